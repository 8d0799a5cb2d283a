import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

@Suite("Consumer groups: join, assignment, rebalances", .timeLimit(.minutes(1)))
struct ConsumerGroupTests {
    func consumer(_ cluster: FakeCluster, _ configuration: ConsumerConfiguration) throws -> KafkaConsumer {
        KafkaConsumer(clientConfiguration: try testConfiguration(cluster.bootstrap), configuration: configuration)
    }

    @Test func joinHandshakeAndLeaderAssignment() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 4)
            for p in 0..<4 { cluster.append(TopicPartition("events", Int32(p)), values: ["v\(p)"]) }
            let consumer = try consumer(cluster, groupConfiguration("g1"))
            try await consumer.subscribe(topics: ["events"])
            let loop = PollLoop.start(consumer)
            #expect(await eventually { loop.received.count == 4 })
            #expect(Set(loop.values) == ["v0", "v1", "v2", "v3"])
            #expect(await consumer.assignment.sorted() == cluster.partitions("events", 4).sorted())
            // KIP-394: the first JoinGroup has no member id and gets MEMBER_ID_REQUIRED; the second uses it.
            let joins = cluster.joinRequests()
            #expect(joins.count == 2)
            #expect(joins.first?.memberId == "")
            #expect(joins.last?.memberId.isEmpty == false)
            #expect(joins.last?.protocolType == "consumer")
            #expect(joins.last?.protocols.map(\.name) == ["range", "cooperative-sticky"])
            #expect(joins.last?.rebalanceTimeoutMs == 10_000)
            let subscription = try ConsumerSubscription(decoding: try #require(joins.last?.protocols.first?.metadata))
            #expect(subscription.topics == ["events"])
            let syncs = cluster.received(.syncGroup).compactMap { try? $0.decode(SyncGroupRequest.self) }
            #expect(syncs.count == 1)
            #expect(syncs.first?.protocolName == "range")
            let metadata = try #require(await consumer.groupMetadata)
            #expect(metadata.isLeader)
            #expect(metadata.generationId == 1)
            #expect(metadata.protocolName == "range")
            await loop.close()
        }
    }

    @Test func twoMembersSplitPartitionsAndConsumeOnlyTheirOwn() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 6)
            let a = PollLoop.start(try consumer(cluster, groupConfiguration("g2")))
            let b = PollLoop.start(try consumer(cluster, groupConfiguration("g2")))
            try await a.consumer.subscribe(topics: ["events"])
            try await b.consumer.subscribe(topics: ["events"])
            let settled = try #require(await settledAssignments([a.consumer, b.consumer], partitions: cluster.partitions("events", 6)))
            #expect(settled.map(\.count) == [3, 3])
            // Range gives each member a contiguous block.
            #expect(Set(settled.map { $0.map(\.partition) }) == [[0, 1, 2], [3, 4, 5]])
            for p in 0..<6 { cluster.append(TopicPartition("events", Int32(p)), values: ["p\(p)-a", "p\(p)-b"]) }
            #expect(await eventually { a.received.count + b.received.count == 12 })
            #expect(a.received.allSatisfy { settled[0].contains($0.topicPartition) })
            #expect(b.received.allSatisfy { settled[1].contains($0.topicPartition) })
            // Exactly one member (the leader) sent assignments.
            let syncs = cluster.received(.syncGroup).compactMap { try? $0.decode(SyncGroupRequest.self) }
            let leaders = Set(syncs.filter { !$0.assignments.isEmpty }.map(\.generationId))
            #expect(syncs.filter { !$0.assignments.isEmpty }.count == leaders.count)
            await a.close()
            await b.close()
        }
    }

    @Test func heartbeatsBringMembersBackWhenAThirdJoins() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 6)
            let loops = try (0..<2).map { _ in PollLoop.start(try consumer(cluster, groupConfiguration("g3"))) }
            for loop in loops { try await loop.consumer.subscribe(topics: ["events"]) }
            _ = try #require(await settledAssignments(loops.map(\.consumer), partitions: cluster.partitions("events", 6)))
            let before = try #require(await loops[0].consumer.groupMetadata?.generationId)
            let third = PollLoop.start(try consumer(cluster, groupConfiguration("g3")))
            try await third.consumer.subscribe(topics: ["events"])
            let settled = try #require(await settledAssignments((loops + [third]).map(\.consumer), partitions: cluster.partitions("events", 6)))
            #expect(settled.map(\.count) == [2, 2, 2])
            // The existing members learned of the rebalance from REBALANCE_IN_PROGRESS heartbeats.
            let heartbeatsWhileRebalancing = cluster.received(.heartbeat).count
            #expect(heartbeatsWhileRebalancing > 0)
            #expect(try #require(await loops[0].consumer.groupMetadata?.generationId) > before)
            for loop in loops + [third] { await loop.close() }
        }
    }

    @Test func eagerRebalanceRevokesEverythingThenAssigns() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 4)
            let log = ListenerLog()
            let a = PollLoop.start(try consumer(cluster, groupConfiguration("g4")))
            try await a.consumer.subscribe(topics: ["events"], listener: log)
            #expect(await eventually { await a.consumer.assignment.count == 4 })
            let b = PollLoop.start(try consumer(cluster, groupConfiguration("g4")))
            try await b.consumer.subscribe(topics: ["events"])
            let settled = try #require(await settledAssignments([a.consumer, b.consumer], partitions: cluster.partitions("events", 4)))
            let all = cluster.partitions("events", 4).sorted()
            #expect(await eventually { log.all == [.assigned(all), .revoked(all), .assigned(settled[0])] }, "\(log.all)")
            await b.close()
            // B left: A gets everything back.
            #expect(await eventually { await a.consumer.assignment.count == 4 })
            let leaves = cluster.received(.leaveGroup).compactMap { try? $0.decode(LeaveGroupRequest.self) }
            #expect(leaves.count == 1)
            #expect(leaves.first?.members.first?.memberId.isEmpty == false)
            #expect(leaves.first?.members.first?.reason?.contains("closed") == true)
            await a.close()
        }
    }

    @Test func cooperativeRebalanceRevokesOnlyWhatMovesInTwoPhases() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 4)
            let logA = ListenerLog()
            let logB = ListenerLog()
            let cooperative = groupConfiguration("g5", assignors: [CooperativeStickyAssignor()])
            let a = PollLoop.start(try consumer(cluster, cooperative))
            try await a.consumer.subscribe(topics: ["events"], listener: logA)
            #expect(await eventually { await a.consumer.assignment.count == 4 })
            let all = cluster.partitions("events", 4).sorted()
            #expect(logA.all == [.assigned(all)])
            let generationBefore = try #require(await a.consumer.groupMetadata?.generationId)

            let b = PollLoop.start(try consumer(cluster, cooperative))
            try await b.consumer.subscribe(topics: ["events"], listener: logB)
            let settled = try #require(await settledAssignments([a.consumer, b.consumer], partitions: cluster.partitions("events", 4)))
            #expect(settled.map(\.count) == [2, 2])
            // A kept two partitions all along and revoked only the two that moved; B got them one
            // rebalance later.
            let moved = all.filter { !settled[0].contains($0) }
            #expect(await eventually { logA.all.prefix(3) == [.assigned(all), .revoked(moved), .assigned([])] }, "\(logA.all)")
            #expect(!logA.all.contains(.revoked(all)))
            #expect(await eventually { logB.all.last == .assigned(moved) }, "\(logB.all)")
            #expect(try #require(await a.consumer.groupMetadata?.generationId) >= generationBefore + 2)
            // Owned partitions travel in the subscription (v3) with the generation.
            let memberA = try #require(await a.consumer.groupMetadata?.memberId)
            let lastJoin = try #require(cluster.joinRequests().last { $0.memberId == memberA })
            let subscription = try ConsumerSubscription(decoding: try #require(lastJoin.protocols.first?.metadata))
            #expect(Set(subscription.ownedPartitions) == Set(settled[0]))
            #expect(subscription.generationId >= generationBefore)
            await a.close()
            await b.close()
        }
    }

    @Test func staticMemberKeepsItsPartitionsAcrossARestart() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 4)
            let b = PollLoop.start(try consumer(cluster, groupConfiguration("g6")))
            try await b.consumer.subscribe(topics: ["events"])
            #expect(await eventually { await b.consumer.assignment.count == 4 })  // b leads the group
            let staticA = PollLoop.start(try consumer(cluster, groupConfiguration("g6") { $0.groupInstanceId = "instance-a" }))
            try await staticA.consumer.subscribe(topics: ["events"])
            let settled = try #require(await settledAssignments([staticA.consumer, b.consumer], partitions: cluster.partitions("events", 4)))
            let generation = try #require(await b.consumer.groupMetadata?.generationId)
            await staticA.close()
            #expect(cluster.received(.leaveGroup).isEmpty)  // static members do not leave

            // The same instance comes back: it gets its partitions without a rebalance.
            let again = PollLoop.start(try consumer(cluster, groupConfiguration("g6") { $0.groupInstanceId = "instance-a" }))
            try await again.consumer.subscribe(topics: ["events"])
            #expect(await eventually { await again.consumer.assignment.sorted() == settled[0] })
            #expect(await again.consumer.groupMetadata?.generationId == generation)
            #expect(await b.consumer.assignment.sorted() == settled[1])
            let joins = cluster.joinRequests().filter { $0.groupInstanceId == "instance-a" }
            #expect(joins.allSatisfy { $0.memberId.isEmpty })  // static members skip MEMBER_ID_REQUIRED
            await again.close()
            await b.close()
        }
    }

    @Test func aReplacedStaticMemberIsFenced() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 2)
            let config = groupConfiguration("g7") { $0.groupInstanceId = "instance-x" }
            let first = PollLoop.start(try consumer(cluster, config))
            try await first.consumer.subscribe(topics: ["events"])
            #expect(await eventually { await first.consumer.assignment.count == 2 })
            let second = PollLoop.start(try consumer(cluster, config))
            try await second.consumer.subscribe(topics: ["events"])
            #expect(await eventually { await second.consumer.assignment.count == 2 })
            #expect(await eventually { first.lastError?.brokerError == .fencedInstanceId })
            await first.stop()
            let error = await clientError { _ = try await first.consumer.poll(timeout: .milliseconds(10)) }
            #expect(error?.brokerError == .fencedInstanceId)
            await first.consumer.close()
            await second.close()
        }
    }

    @Test func leaderRejoinsWhenPartitionsAreAddedOrATopicAppears() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 2)
            var client = try testConfiguration(cluster.bootstrap)
            client.metadataMaxAge = .milliseconds(200)
            let loop = PollLoop.start(KafkaConsumer(clientConfiguration: client, configuration: groupConfiguration("growing")))
            try await loop.consumer.subscribe(topics: ["events", "later"])
            #expect(await eventually { await loop.consumer.assignment.count == 2 })
            let admin = KafkaAdmin(clientConfiguration: try testConfiguration(cluster.bootstrap))
            _ = try await admin.createPartitions(["events": 4])
            #expect(await eventually { await loop.consumer.assignment.count == 4 })
            cluster.createTopic("later", partitions: 1)
            #expect(await eventually { await loop.consumer.assignment.contains(TopicPartition("later", 0)) })
            await admin.close()
            await loop.close()
        }
    }

    @Test func changingTheSubscriptionRejoins() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("a", partitions: 1)
            cluster.createTopic("b", partitions: 1)
            let log = ListenerLog()
            let loop = PollLoop.start(try consumer(cluster, groupConfiguration("switch")))
            try await loop.consumer.subscribe(topics: ["a"], listener: log)
            #expect(await eventually { await loop.consumer.assignment == [TopicPartition("a", 0)] })
            try await loop.consumer.subscribe(topics: ["b"], listener: log)
            #expect(await eventually { await loop.consumer.assignment == [TopicPartition("b", 0)] })
            #expect(await eventually { log.all == [.assigned([TopicPartition("a", 0)]), .revoked([TopicPartition("a", 0)]), .assigned([TopicPartition("b", 0)])] })
            await loop.consumer.unsubscribe()
            #expect(await loop.consumer.assignment.isEmpty)
            #expect(await loop.consumer.subscription.isEmpty)
            #expect(cluster.received(.leaveGroup).count == 1)
            await loop.close()
        }
    }
}
