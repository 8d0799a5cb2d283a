/// Voted for `votedId` in `epoch` (Kafka's `VotedState`): the vote is on disk before it is sent, and
/// no other candidate gets it in this epoch. Becomes a candidate when `electionDeadline` passes.
public struct VotedState: Sendable, Hashable {
    public var epoch: Int32
    public var votedId: Int32
    public var electionDeadline: Int64
}
