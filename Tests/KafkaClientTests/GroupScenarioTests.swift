import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

/// Consumer-group scenarios on every target (fake, a launched `gregor broker`, a live broker). A broker
/// that does not advertise the group APIs (FindCoordinator, JoinGroup) skips them.
@Suite("Group scenarios (fake and live)", .timeLimit(.minutes(3)))
struct GroupScenarioTests {
    func supportsGroups(_ cluster: ScenarioCluster) async throws -> Bool {
        let client = ClusterClient(configuration: try cluster.configuration())
        defer { Task { await client.close() } }
        let connection = try await client.anyConnection()
        return [.findCoordinator, .joinGroup, .syncGroup, .heartbeat, .offsetCommit, .offsetFetch].allSatisfy(connection.versions.supports)
    }

    func member(_ cluster: ScenarioCluster, group: String) throws -> PollLoop {
        var configuration = groupConfiguration(group) { $0.enableAutoCommit = false }
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.sessionTimeout = .seconds(10)
        configuration.maxPollInterval = .seconds(30)
        return PollLoop.start(KafkaConsumer(clientConfiguration: try cluster.configuration(), configuration: configuration))
    }

    func produce(_ cluster: ScenarioCluster, topic: String, values: Range<Int>) async throws {
        let producer = try KafkaProducer(clientConfiguration: cluster.configuration())
        for index in values {
            _ = try await producer.send(topic: topic, key: ByteBuffer(string: "k\(index)"), value: ByteBuffer(string: "v\(index)"))
        }
        await producer.close()
    }

    @Test(arguments: TestTarget.all)
    func membersSplitPartitionsHandOverOnLeaveAndResumeFromCommits(target: TestTarget) async throws {
        try await target.run { cluster in
            guard try await supportsGroups(cluster) else { return }
            let topic = cluster.uniqueTopic("group-split")
            let group = cluster.uniqueTopic("group")
            try await cluster.createTopic(topic, partitions: 4)
            try await produce(cluster, topic: topic, values: 0..<40)
            let all = Set((0..<4).map { TopicPartition(topic, Int32($0)) })

            // Two members split the four partitions; commits in the revoked callback hand over exactly.
            let a = try member(cluster, group: group)
            let b = try member(cluster, group: group)
            try await a.consumer.subscribe(topics: [topic], listener: ListenerLog(commitOnRevoke: true))
            try await b.consumer.subscribe(topics: [topic], listener: ListenerLog(commitOnRevoke: true))
            let settled = try #require(await settledAssignments([a.consumer, b.consumer], partitions: all, timeout: .seconds(60)))
            #expect(settled.map(\.count) == [2, 2])
            #expect(await eventually(timeout: .seconds(30)) { a.received.count + b.received.count >= 40 })
            #expect(Set(a.values + b.values) == Set((0..<40).map { "v\($0)" }))
            #expect(a.values.count + b.values.count == 40)

            // The coordinator describes both members with their assignments.
            let admin = KafkaAdmin(clientConfiguration: try cluster.configuration())
            let described = try #require(try await admin.describeGroups([group]).first)
            #expect(described.state == "Stable")
            #expect(described.members.count == 2)
            #expect(Set(described.assignedPartitions) == all)
            #expect(try await admin.listGroups().contains { $0.groupId == group })

            // B leaves: A takes everything and reads what comes next.
            try await b.consumer.commit()
            await b.close()
            #expect(await eventually(timeout: .seconds(60)) { await a.consumer.assignment.count == 4 })
            try await produce(cluster, topic: topic, values: 40..<60)
            #expect(await eventually(timeout: .seconds(30)) { a.received.count + b.received.count >= 60 })
            #expect(Set(a.values + b.values) == Set((0..<60).map { "v\($0)" }))
            try await a.consumer.commit()
            await a.close()
            let offsets = try await admin.listGroupOffsets(group)
            #expect(offsets.values.map(\.offset).reduce(0, +) == 60)

            // A new member resumes exactly at the committed offsets.
            try await produce(cluster, topic: topic, values: 60..<68)
            let c = try member(cluster, group: group)
            try await c.consumer.subscribe(topics: [topic])
            #expect(await eventually(timeout: .seconds(60)) { c.received.count >= 8 })
            try await Task.sleep(for: .milliseconds(500))
            #expect(c.values.sorted() == (60..<68).map { "v\($0)" }.sorted())
            await c.close()
            await admin.close()
        }
    }

    @Test(arguments: TestTarget.all)
    func cooperativeMembersKeepTheirPartitions(target: TestTarget) async throws {
        try await target.run { cluster in
            guard try await supportsGroups(cluster) else { return }
            let topic = cluster.uniqueTopic("group-coop")
            let group = cluster.uniqueTopic("coop")
            try await cluster.createTopic(topic, partitions: 6)
            let all = Set((0..<6).map { TopicPartition(topic, Int32($0)) })
            func cooperative() throws -> PollLoop {
                var configuration = groupConfiguration(group, assignors: [CooperativeStickyAssignor()])
                configuration.heartbeatInterval = .milliseconds(500)
                configuration.sessionTimeout = .seconds(10)
                return PollLoop.start(KafkaConsumer(clientConfiguration: try cluster.configuration(), configuration: configuration))
            }
            let logA = ListenerLog()
            let a = try cooperative()
            try await a.consumer.subscribe(topics: [topic], listener: logA)
            #expect(await eventually(timeout: .seconds(60)) { await a.consumer.assignment.count == 6 })
            let b = try cooperative()
            try await b.consumer.subscribe(topics: [topic])
            let settled = try #require(await settledAssignments([a.consumer, b.consumer], partitions: all, timeout: .seconds(60)))
            #expect(settled.map(\.count) == [3, 3])
            // A never gave up the three it kept.
            #expect(!logA.all.contains(.revoked(all.sorted())))
            await b.close()
            #expect(await eventually(timeout: .seconds(60)) { await a.consumer.assignment.count == 6 })
            await a.close()
        }
    }
}
