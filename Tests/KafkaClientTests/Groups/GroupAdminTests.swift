import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

@Suite("Admin: consumer groups", .timeLimit(.minutes(1)))
struct GroupAdminTests {
    let tp0 = TopicPartition("events", 0)
    let tp1 = TopicPartition("events", 1)

    @Test func listDescribeOffsetsResetAndDelete() async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.createTopic("events", partitions: 2)
            cluster.append(tp0, values: ["a", "b"])
            let admin = KafkaAdmin(clientConfiguration: try testConfiguration(cluster.bootstrap))
            var configuration = groupConfiguration("orders") { $0.groupInstanceId = "worker-1" }
            configuration.enableAutoCommit = true
            let member = PollLoop.start(KafkaConsumer(
                clientConfiguration: try testConfiguration(cluster.bootstrap), configuration: configuration))
            try await member.consumer.subscribe(topics: ["events"])
            #expect(await eventually { member.received.count == 2 })
            try await member.consumer.commit()

            let listed = try await admin.listGroups()
            #expect(listed.map(\.groupId) == ["orders"])
            #expect(listed.first?.state == "Stable")
            #expect(listed.first?.protocolType == "consumer")
            #expect(try await admin.listGroups(states: ["Empty"]).isEmpty)

            let described = try await admin.describeGroups(["orders", "missing"])
            #expect(described.map(\.groupId) == ["orders", "missing"])
            let group = described[0]
            #expect(group.state == "Stable")
            #expect(group.protocolName == "range")
            #expect(group.members.count == 1)
            #expect(group.members.first?.groupInstanceId == "worker-1")
            #expect(group.members.first?.clientId == "gregor")
            #expect(group.members.first?.subscription?.topics == ["events"])
            #expect(group.assignedPartitions == [tp0, tp1])
            #expect(group.coordinator?.nodeId == 0)
            #expect(described[1].state == "Dead")

            #expect(try await admin.listGroupOffsets("orders") == [tp0: OffsetAndMetadata(offset: 2), tp1: OffsetAndMetadata(offset: 0)])
            #expect(try await admin.listGroupOffsets("orders", partitions: [tp0]) == [tp0: OffsetAndMetadata(offset: 2)])

            // Resetting offsets needs an empty group; deleting a live group fails too.
            let refused = try await admin.alterGroupOffsets("orders", offsets: [tp0: OffsetAndMetadata(offset: 0)])
            #expect(refused[tp0]?.brokerError == .unknownMemberId)
            #expect(refused[tp0]?.message.contains("active members") == true)
            #expect(try await admin.deleteGroups(["orders"]).first?.error?.brokerError == .nonEmptyGroup)
            let subscribed = try await admin.deleteGroupOffsets("orders", partitions: [tp0])
            #expect(subscribed[tp0]?.brokerError == .groupSubscribedToTopic)

            await member.close()
            // The static member did not leave; drop it the way the coordinator would after its session.
            cluster.groups.state.withLock { $0.groups["orders"]?.members = [:] }
            cluster.groups.state.withLock { $0.groups["orders"]?.instances = [:] }
            cluster.groups.state.withLock { $0.groups["orders"]?.phase = .empty }

            #expect(try await admin.alterGroupOffsets("orders", offsets: [tp0: OffsetAndMetadata(offset: 0)]).isEmpty)
            #expect(try await admin.listGroupOffsets("orders")[tp0]?.offset == 0)
            #expect(try await admin.deleteGroupOffsets("orders", partitions: [tp1]).isEmpty)
            #expect(try await admin.listGroupOffsets("orders")[tp1] == nil)
            let deleted = try await admin.deleteGroups(["orders", "missing"])
            #expect(deleted[0].error == nil)
            #expect(deleted[1].error?.brokerError == .groupIdNotFound)
            #expect(try await admin.listGroups().isEmpty)
            await admin.close()
        }
    }

    @Test func describeFollowsAMovedCoordinator() async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.groups.state.withLock { $0.groups["idle"] = FakeGroups.Group() }
            let admin = KafkaAdmin(clientConfiguration: try testConfiguration(cluster.bootstrap))
            let answered = AtomicCounter()
            cluster.addHook { frame, _ in
                // The first DescribeGroups lands while the coordinator moves.
                guard frame.apiKey == .describeGroups, answered.increment() == 1 else { return nil }
                cluster.groups.moveCoordinator(to: 1)
                return try? cluster.groups.errorReply(frame, .notCoordinator)
            }
            let described = try await admin.describeGroups(["idle"])
            #expect(described.first?.error == nil)
            #expect(described.first?.state == "Empty")
            #expect(described.first?.coordinator?.nodeId == 1)
            #expect(cluster.received(.findCoordinator).count >= 2)
            await admin.close()
        }
    }

    @Test func findCoordinatorBatchesKeysFromV4AndAsksOneByOneBefore() async throws {
        try await withFakeCluster { cluster in
            let client = ClusterClient(configuration: try testConfiguration(cluster.bootstrap))
            let found = try await client.findCoordinators(["a", "b"])
            #expect(found.count == 2)
            #expect(cluster.received(.findCoordinator).count == 1)
            cluster.state.withLock { $0.apiRanges[.findCoordinator] = 0...3 }
            let older = ClusterClient(configuration: try testConfiguration(cluster.bootstrap))
            let one = try await older.findCoordinator("c")
            #expect(one.nodeId == 0)
            _ = try await older.findCoordinators(["d", "e"])
            #expect(cluster.received(.findCoordinator).filter { $0.version == 3 }.count == 3)
            await client.close()
            await older.close()
        }
    }
}
