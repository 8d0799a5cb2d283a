import Testing

@testable import Replication

@Suite("Follower: truncation, append and high watermark")
struct FollowerTruncationTests {
    static let registration = PartitionRegistration(leader: 1, leaderEpoch: 5, partitionEpoch: 10, replicas: [1, 2, 3], isr: [1, 2, 3])

    static func follower(_ log: InMemoryReplicaLog, highWatermark: Int64 = 0) -> PartitionFollower {
        PartitionFollower(following: registration, localReplica: 2, brokerEpoch: 7, log: log, highWatermark: highWatermark)
    }

    static func response(_ request: ReplicaFetchRequest, diverging: EpochEndOffset? = nil, batches: [RecordsBatch] = [], highWatermark: Int64 = 0)
        -> ReplicaFetchResponse<RecordsBatch>
    {
        ReplicaFetchResponse(request: request, highWatermark: highWatermark, logStartOffset: 0, logEndOffset: 100, divergingEpoch: diverging, batches: batches)
    }

    @Test func truncatesToTheEndOfTheDivergingEpochOnBothLogs() {
        var log = InMemoryReplicaLog()
        log.appendAsLeader([1, 2, 3, 4, 5, 6], epoch: 1)  // the leader has epoch 1 only up to offset 4
        var follower = Self.follower(log, highWatermark: 5)
        let request = follower.fetchRequest(log: log)
        #expect(request.fetchOffset == 6 && request.lastFetchedEpoch == 1 && request.currentLeaderEpoch == 5 && request.brokerEpoch == 7)
        let outcome = follower.handleFetchResponse(Self.response(request, diverging: EpochEndOffset(epoch: 1, endOffset: 4)), log: &log)
        #expect(outcome == .truncated(to: 4))
        #expect(log.logEndOffset == 4 && follower.highWatermark == 4)
    }

    @Test func anEpochBegunWithoutDataIsDroppedEvenWhenNoRecordIsCut() {
        var log = InMemoryReplicaLog()
        log.appendAsLeader([1, 2, 3], epoch: 1)
        log.assignEpochStartOffset(epoch: 2, startOffset: 3)  // it led epoch 2 briefly, writing nothing
        var follower = Self.follower(log)
        var request = follower.fetchRequest(log: log)
        #expect(request.lastFetchedEpoch == 2)
        let outcome = follower.handleFetchResponse(Self.response(request, diverging: EpochEndOffset(epoch: 1, endOffset: 3)), log: &log)
        #expect(outcome == .truncated(to: 3))
        request = follower.fetchRequest(log: log)
        #expect(request.lastFetchedEpoch == 1 && request.fetchOffset == 3, "the next fetch no longer diverges")
    }

    @Test func anEpochUnknownHereCutsToTheLargestEpochBelowItThenNarrows() {
        var log = InMemoryReplicaLog()
        log.appendAsLeader([1, 2], epoch: 1)
        log.appendAsLeader([3, 4, 5], epoch: 4)
        var follower = Self.follower(log)
        // The leader answers epoch 3 ended at 3: this log has no epoch 3, so cut at the end of epoch 1.
        var request = follower.fetchRequest(log: log)
        let result1 = follower.handleFetchResponse(Self.response(request, diverging: EpochEndOffset(epoch: 3, endOffset: 3)), log: &log)
        #expect(result1 == .truncated(to: 2))
        request = follower.fetchRequest(log: log)
        #expect(request.lastFetchedEpoch == 1 && request.fetchOffset == 2)
    }

    @Test func appendsAndFollowsTheLeadersHighWatermarkUpToItsOwnEnd() {
        var log = InMemoryReplicaLog()
        var follower = Self.follower(log)
        let request = follower.fetchRequest(log: log)
        let batches = [RecordsBatch(baseOffset: 0, epoch: 2, values: [1, 2]), RecordsBatch(baseOffset: 2, epoch: 5, values: [3])]
        let result2 = follower.handleFetchResponse(Self.response(request, batches: batches, highWatermark: 9), log: &log)
        #expect(result2 == .appended(count: 3))
        #expect(log.logEndOffset == 3 && follower.highWatermark == 3)
        #expect(log.epochs.entries.map(\.epoch) == [2, 5])
    }

    @Test func dropsAnAnswerToAnOlderPositionOrEpoch() {
        var log = InMemoryReplicaLog()
        var follower = Self.follower(log)
        let request = follower.fetchRequest(log: log)
        log.appendAsLeader([1], epoch: 5)
        let batches = [RecordsBatch(baseOffset: 0, epoch: 5, values: [1])]
        let result3 = follower.handleFetchResponse(Self.response(request, batches: batches), log: &log)
        #expect(result3 == .stale)
        #expect(log.logEndOffset == 1)
        var old = follower.fetchRequest(log: log)
        old.currentLeaderEpoch = 4
        let result4 = follower.handleFetchResponse(Self.response(old), log: &log)
        #expect(result4 == .stale)
    }

    @Test func leaderErrorsAndTheOutOfRangeFallback() {
        var log = InMemoryReplicaLog()
        log.appendAsLeader([1, 2, 3], epoch: 5)
        var follower = Self.follower(log)
        var request = follower.fetchRequest(log: log)
        let result5 = follower.handleFetchResponse(.failure(.fencedLeaderEpoch, for: request), log: &log)
        #expect(result5 == .failed(.fencedLeaderEpoch))
        var outOfRange = ReplicaFetchResponse<RecordsBatch>.failure(.offsetOutOfRange, for: request)
        outOfRange.logEndOffset = 1
        let result6 = follower.handleFetchResponse(outOfRange, log: &log)
        #expect(result6 == .truncated(to: 1))
        request = follower.fetchRequest(log: log)
        let gap = [RecordsBatch(baseOffset: 5, epoch: 5, values: [9])]
        let result7 = follower.handleFetchResponse(Self.response(request, batches: gap), log: &log)
        #expect(result7
            == .appendFailed(.unexpectedAppendOffset(firstOffset: 5, logEndOffset: 1)))
    }
}
