import Controller
import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import Broker

/// The group APIs through the router: coordinator lookup, a whole rebalance, offsets, admin, restart.
@Suite struct GroupHandlerTests {
    static let fast = ["group.initial.rebalance.delay.ms": "0"]

    static func subscription(_ topics: [String]) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.writeInt16(1)
        try! ConsumerProtocolSubscription(topics: topics).encode(to: &writer, version: 1)
        return writer.buffer
    }

    static func join(_ broker: TestBroker, group: String = "g", memberId: String = "", session: Int32 = 10_000) async throws -> JoinGroupResponse {
        var request = JoinGroupRequest(
            groupId: group, sessionTimeoutMs: session, rebalanceTimeoutMs: 10_000, memberId: memberId, protocolType: "consumer")
        request.protocols = [.init(name: "range", metadata: subscription(["t"]))]
        return try await broker.send(request)
    }

    @Test func findCoordinatorCreatesTheOffsetsTopic() async throws {
        let broker = try await TestBroker.start()
        let found = try await broker.send(FindCoordinatorRequest(key: "g"), version: 3)
        #expect(found.errorCode == 0)
        #expect(found.nodeId == 1)
        #expect(broker.stack.metadata.cache.image.topic(named: "__consumer_offsets")?.partitions.count == 8)
        let batched = try await broker.send(FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["a", "b"]), version: 4)
        #expect(batched.coordinators.map(\.key) == ["a", "b"])
        #expect(batched.coordinators.allSatisfy { $0.nodeId == 1 && $0.errorCode == 0 })
        let transaction = try await broker.send(FindCoordinatorRequest(keyType: 1, coordinatorKeys: ["tx"]), version: 4)
        #expect(ErrorCode(transaction.coordinators[0].errorCode) == .invalidRequest)
        let metadata = try await broker.send(MetadataRequest(topics: [.init(name: "__consumer_offsets")], allowAutoTopicCreation: true))
        #expect(metadata.topics[0].isInternal)
        let batch = try makeBatch(count: 1)
        #expect(ErrorCode(try await broker.produce("__consumer_offsets", batch: batch).errorCode) == .invalidTopicException)
    }

    @Test func aMemberJoinsSyncsCommitsAndLeaves() async throws {
        let broker = try await TestBroker.start(properties: Self.fast)
        try await broker.createTopic("t", partitions: 2)
        _ = try await broker.send(FindCoordinatorRequest(key: "g"), version: 3)
        let first = try await Self.join(broker)
        #expect(ErrorCode(first.errorCode) == .memberIdRequired)
        let joined = try await Self.join(broker, memberId: first.memberId)
        #expect(joined.errorCode == 0)
        #expect(joined.generationId == 1)
        #expect(joined.leader == first.memberId)
        #expect(joined.protocolName == "range")
        #expect(joined.members.map(\.memberId) == [first.memberId])
        let assignment = ByteBuffer(bytes: [0, 1, 2])
        let synced = try await broker.send(
            SyncGroupRequest(groupId: "g", generationId: 1, memberId: first.memberId, assignments: [.init(memberId: first.memberId, assignment: assignment)]))
        #expect(synced.errorCode == 0)
        #expect(synced.assignment == assignment)
        #expect(try await broker.send(HeartbeatRequest(groupId: "g", generationId: 1, memberId: first.memberId)).errorCode == 0)
        #expect(ErrorCode(try await broker.send(HeartbeatRequest(groupId: "g", generationId: 7, memberId: first.memberId)).errorCode) == .illegalGeneration)

        var commit = OffsetCommitRequest(groupId: "g", generationIdOrMemberEpoch: 1, memberId: first.memberId)
        commit.topics = [.init(name: "t", partitions: [.init(partitionIndex: 1, committedOffset: 42)]), .init(name: "nope", partitions: [.init(partitionIndex: 0, committedOffset: 1)])]
        let committed = try await broker.send(commit)
        #expect(committed.topics[0].partitions[0].errorCode == 0)
        #expect(ErrorCode(committed.topics[1].partitions[0].errorCode) == .unknownTopicOrPartition)
        let fetched = try await broker.send(OffsetFetchRequest(groups: [.init(groupId: "g", topics: nil)]), version: 8)
        #expect(fetched.groups[0].topics.first?.partitions.first?.committedOffset == 42)
        let old = try await broker.send(OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [0, 1])]), version: 5)
        #expect(old.topics[0].partitions.map(\.committedOffset) == [-1, 42])

        let described = try await broker.send(DescribeGroupsRequest(groups: ["g", "unknown"]))
        #expect(described.groups[0].groupState == "Stable")
        #expect(described.groups[0].protocolData == "range")
        #expect(described.groups[0].members.first?.memberAssignment == assignment)
        #expect(described.groups[1].groupState == "Dead")
        let listed = try await broker.send(ListGroupsRequest(statesFilter: ["Stable"]), version: 4)
        #expect(listed.groups.map(\.groupId) == ["g"])
        #expect(ErrorCode(try await broker.send(DeleteGroupsRequest(groupsNames: ["g"])).results[0].errorCode) == .nonEmptyGroup)

        let left = try await broker.send(LeaveGroupRequest(groupId: "g", members: [.init(memberId: first.memberId)]))
        #expect(left.members.first?.errorCode == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await broker.send(DescribeGroupsRequest(groups: ["g"])).groups[0].groupState == "Empty")
        #expect(try await broker.send(DeleteGroupsRequest(groupsNames: ["g"])).results[0].errorCode == 0)
        #expect(ErrorCode(try await broker.send(DeleteGroupsRequest(groupsNames: ["g"])).results[0].errorCode) == .groupIdNotFound)
    }

    @Test func committedOffsetsSurviveARestart() async throws {
        let broker = try await TestBroker.start(properties: Self.fast)
        try await broker.createTopic("t", partitions: 1)
        _ = try await broker.send(FindCoordinatorRequest(key: "kept"), version: 3)
        var commit = OffsetCommitRequest(groupId: "kept", generationIdOrMemberEpoch: -1)
        commit.topics = [.init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 17, committedMetadata: "note")])]
        #expect(try await broker.send(commit).topics[0].partitions[0].errorCode == 0)
        let restarted = try await broker.restart()
        var fetched = OffsetFetchResponse()
        for _ in 0..<50 {  // the coordinator replays its partition after the start
            fetched = try await restarted.send(OffsetFetchRequest(groups: [.init(groupId: "kept", topics: nil)]), version: 8)
            if fetched.groups[0].errorCode == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(fetched.groups[0].topics.first?.partitions.first?.committedOffset == 17)
        #expect(fetched.groups[0].topics.first?.partitions.first?.metadata == "note")
    }
}
