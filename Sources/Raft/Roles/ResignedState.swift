/// A leader that stepped down in `epoch` (Kafka's `ResignedState`): it tells the voters with
/// EndQuorumEpoch, naming its preferred successors, until each answers, and stands for election again
/// only when `electionDeadline` passes. It never leads `epoch` again (its in-memory state is gone).
public struct ResignedState: Sendable, Hashable {
    public var epoch: Int32
    public var preferredSuccessors: [Int32]
    public var unacknowledged: Set<Int32>
    public var electionDeadline: Int64
    public var nextResend: Int64
}
