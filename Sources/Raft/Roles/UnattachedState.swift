/// No leader known and no vote cast in `epoch` (Kafka's `UnattachedState`): a voter grants its vote to
/// the first candidate whose log is at least as up to date as its own, and starts an election itself
/// when `electionDeadline` passes; an observer looks for the leader.
public struct UnattachedState: Sendable, Hashable {
    public var epoch: Int32
    public var electionDeadline: Int64
    /// When an observer asks a voter for the leader next.
    public var nextLeaderSearch: Int64
}
