import KafkaRecords
import LogStorage
import NIOCore
import SystemPackage
import Testing

@testable import Broker
@testable import Replication

@Suite("Replication over LogStorage's PartitionLog")
struct PartitionLogReplicationTests {
    static func openLog(_ name: String, on fileSystem: InMemoryLogFileSystem) throws -> PartitionLogReplica {
        let opened = try PartitionLog.open(
            directory: FilePath("/\(name)/orders-0"), topicPartition: TopicPartition("orders", 0), fileSystem: fileSystem, now: 0)
        return PartitionLogReplica(log: opened.log)
    }

    /// A producer's batch of `values`; the leader assigns offsets and stamps its epoch.
    static func produce(_ values: [String], to replica: PartitionLogReplica, epoch: Int32) throws -> Int64 {
        var builder = RecordBatchBuilder()
        for value in values { builder.append(key: nil, value: ByteBuffer(string: value), timestamp: 1) }
        return try replica.log.appendAsLeader(builder.build().bytes, leaderEpoch: epoch, now: 1).logEndOffset
    }

    static func registration(leader: Int32, epoch: Int32) -> PartitionRegistration {
        PartitionRegistration(leader: leader, leaderEpoch: epoch, partitionEpoch: epoch, replicas: [1, 2], isr: [1, 2])
    }

    /// Fetches until the follower stops making progress; returns the outcomes.
    static func replicate(_ follower: inout PartitionFollower, _ followerLog: inout PartitionLogReplica,
                          from leader: inout PartitionLeader, _ leaderLog: PartitionLogReplica, now: Int64) -> [PartitionFollower.FetchOutcome] {
        var outcomes: [PartitionFollower.FetchOutcome] = []
        for _ in 0..<10 {
            let request = follower.fetchRequest(log: followerLog, maxBytes: 1 << 16)
            let response = leader.handleFetch(request, log: leaderLog, now: now).response
            let outcome = follower.handleFetchResponse(response, log: &followerLog)
            outcomes.append(outcome)
            if outcome == .appended(count: 0) { break }
        }
        return outcomes
    }

    @Test func aFollowerTruncatesAnUnreplicatedEpochAndCatchesUpOnRealSegments() throws {
        let fileSystem = InMemoryLogFileSystem()
        var one = try Self.openLog("broker-1", on: fileSystem)
        var two = try Self.openLog("broker-2", on: fileSystem)
        // Epoch 1: broker 1 leads, both replicas get two batches.
        var leader = PartitionLeader(becomingLeader: Self.registration(leader: 1, epoch: 1), localReplica: 1, log: &one, highWatermark: 0, now: 0)
        leader.didAppend(logEndOffset: try Self.produce(["a", "b"], to: one, epoch: 1), now: 1)
        leader.didAppend(logEndOffset: try Self.produce(["c"], to: one, epoch: 1), now: 1)
        var follower = PartitionFollower(following: Self.registration(leader: 1, epoch: 1), localReplica: 2, brokerEpoch: 1, log: two, highWatermark: 0)
        _ = Self.replicate(&follower, &two, from: &leader, one, now: 2)
        #expect(two.logEndOffset == 3 && leader.highWatermark == 3)
        // Epoch 2: broker 2 leads briefly and writes two batches nobody fetches.
        var shortLeader = PartitionLeader(becomingLeader: Self.registration(leader: 2, epoch: 2), localReplica: 2, log: &two, highWatermark: 3, now: 3)
        shortLeader.didAppend(logEndOffset: try Self.produce(["x"], to: two, epoch: 2), now: 3)
        shortLeader.didAppend(logEndOffset: try Self.produce(["y", "z"], to: two, epoch: 2), now: 3)
        #expect(two.logEndOffset == 6 && shortLeader.highWatermark == 3)
        // Epoch 3: broker 1 leads again and writes one batch; broker 2 follows.
        leader = PartitionLeader(becomingLeader: Self.registration(leader: 1, epoch: 3), localReplica: 1, log: &one, highWatermark: 3, now: 4)
        leader.didAppend(logEndOffset: try Self.produce(["d"], to: one, epoch: 3), now: 4)
        follower = PartitionFollower(following: Self.registration(leader: 1, epoch: 3), localReplica: 2, brokerEpoch: 2, log: two, highWatermark: 3)
        let outcomes = Self.replicate(&follower, &two, from: &leader, one, now: 5)
        #expect(outcomes.first == .truncated(to: 3), "epoch 2 diverges at 3, where epoch 3 starts on the leader")
        #expect(two.log.leaderEpochEntries.map(\.epoch) == [1, 3])
        #expect(two.logEndOffset == 4 && leader.highWatermark == 4)
        #expect(follower.highWatermark == 3, "the leader's HW moved with this fetch; the follower learns it with the next")
        _ = Self.replicate(&follower, &two, from: &leader, one, now: 6)
        #expect(follower.highWatermark == 4)
        let leaderBatches = one.read(from: 0, upTo: 4, limit: 1 << 16).map(\.batch)
        let followerBatches = two.read(from: 0, upTo: 4, limit: 1 << 16).map(\.batch)
        #expect(leaderBatches == followerBatches, "the same bytes on both replicas")
        #expect(followerBatches.map(\.partitionLeaderEpoch) == [1, 1, 3])
    }
}
