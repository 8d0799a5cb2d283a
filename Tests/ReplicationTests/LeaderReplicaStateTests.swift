import Testing

@testable import Replication

@Suite("Leader replica state: ISR and high watermark")
struct LeaderReplicaStateTests {
    @Test func highWatermarkIsTheSmallestLogEndInTheIsrAndNeverMovesBack() {
        var state = LeaderReplicaState(localReplica: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr: [1, 2, 3], localLogEndOffset: 10, highWatermark: 0)
        #expect(state.highWatermark == 0)
        state.updateLogEndOffset(replica: 2, to: 5)
        #expect(state.highWatermark == 0)
        state.updateLogEndOffset(replica: 3, to: 7)
        #expect(state.highWatermark == 5)
        state.updateLogEndOffset(replica: 2, to: 3)
        #expect(state.highWatermark == 5)
    }
}
