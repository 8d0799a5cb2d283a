import Raft
import Testing

/// The quorum-state file and the single-voter quorum's epochs.
@Suite struct QuorumStateTests {
    @Test func quorumStateJSONRoundTrips() {
        let state = QuorumState(leaderId: 1, leaderEpoch: 7, votedId: 1, voters: [1, 2, 3])
        #expect(QuorumState(json: state.json) == state)
        #expect(state.json.contains("\"leaderEpoch\":7"))
        #expect(QuorumState(json: "not json") == nil)
    }

    @Test func everyStartIsANewEpoch() {
        let first = SingleVoterQuorum(nodeId: 3, stored: nil, logEndOffset: 0)
        #expect(first.epoch == 1)
        #expect(first.state.leaderId == 3)
        let second = SingleVoterQuorum(nodeId: 3, stored: first.state, logEndOffset: 10)
        #expect(second.epoch == 2)
        #expect(second.highWatermark == 10)
    }
}
