import Testing

@testable import Raft

@Suite("The quorum-state file")
struct QuorumStateFileTests {
    @Test func roundTripsThroughKafkasJsonLayout() throws {
        let state = QuorumState(leaderId: 2, leaderEpoch: 7, votedId: 3, voters: [1, 2, 3])
        #expect(state.json.contains("\"leaderEpoch\":7"))
        #expect(QuorumState(json: state.json) == state)
        #expect(QuorumState(json: "{}") == nil)
    }
}
