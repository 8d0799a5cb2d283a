/// The leader's ISR: the set the controller committed, possibly with one AlterPartition in flight
/// (Kafka's `CommittedPartitionState`, `PendingExpandIsr`, `PendingShrinkIsr`).
///
/// While a change is in flight the leader uses the *maximal* ISR for the high watermark and for
/// acks=all (KIP-497): an expansion counts the new member at once (a larger set is stricter, so it
/// is safe even if the controller refuses), a shrink keeps the old members until committed (the
/// smaller set could wrongly advance the high watermark if the controller refused). No other
/// change is proposed until the pending one settles.
public enum IsrState: Sendable, Hashable {
    case committed(isr: Set<Int32>)
    case pendingExpand(committed: Set<Int32>, newMember: Int32, request: AlterPartitionRequest)
    case pendingShrink(committed: Set<Int32>, outOfSync: Set<Int32>, request: AlterPartitionRequest)

    /// The ISR as last committed by the controller.
    public var isr: Set<Int32> {
        switch self {
        case .committed(let isr), .pendingExpand(let isr, _, _), .pendingShrink(let isr, _, _): isr
        }
    }

    /// The committed ISR plus a member being added.
    public var maximalIsr: Set<Int32> {
        switch self {
        case .committed(let isr), .pendingShrink(let isr, _, _): isr
        case .pendingExpand(let isr, let member, _): isr.union([member])
        }
    }

    public var isInflight: Bool { pendingRequest != nil }

    /// The AlterPartition in flight, which the shell sends (and sends again if no answer comes).
    public var pendingRequest: AlterPartitionRequest? {
        switch self {
        case .committed: nil
        case .pendingExpand(_, _, let request), .pendingShrink(_, _, let request): request
        }
    }
}
