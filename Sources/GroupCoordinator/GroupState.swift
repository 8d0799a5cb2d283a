/// The states of a classic consumer group, as Kafka's `GroupState`: what each answers and where it goes.
public enum GroupState: String, Sendable, Hashable, CaseIterable {
    /// No members. Offsets may still be committed (by an admin, or a consumer that assigns partitions
    /// itself) and fetched.
    /// - JoinGroup: adds the member and moves to PreparingRebalance, waiting
    ///   `group.initial.rebalance.delay.ms` for more members before the first generation.
    /// - Heartbeat, SyncGroup: UNKNOWN_MEMBER_ID.
    /// - Goes to PreparingRebalance (a member joins) or Dead (deleted, or its offsets expired).
    case empty = "Empty"

    /// A rebalance is under way: members must (re)join before the rebalance timeout.
    /// - JoinGroup: held until every known member has joined or the timeout passes.
    /// - Heartbeat: REBALANCE_IN_PROGRESS, telling members to rejoin. SyncGroup: REBALANCE_IN_PROGRESS.
    /// - OffsetCommit: allowed for current members.
    /// - Goes to CompletingRebalance (members joined; a new generation with a leader and a protocol) or
    ///   Empty (nobody joined).
    case preparingRebalance = "PreparingRebalance"

    /// Every member has its JoinGroup answer; the group waits for the leader's assignment.
    /// - SyncGroup: held until the leader's SyncGroup brings the assignment (and it is stored).
    /// - Heartbeat: accepted. OffsetCommit: REBALANCE_IN_PROGRESS. JoinGroup with changed metadata:
    ///   back to PreparingRebalance.
    /// - Goes to Stable (assignment stored) or PreparingRebalance (a member joins, leaves or times out).
    case completingRebalance = "CompletingRebalance"

    /// The generation is running: members consume their assignment and heartbeat.
    /// - Heartbeat, SyncGroup (current assignment), OffsetCommit: accepted.
    /// - JoinGroup from the leader or with changed metadata: PreparingRebalance.
    /// - Goes to PreparingRebalance (a member joins, leaves, changes or times out).
    case stable = "Stable"

    /// The group is gone (deleted, or moved to another coordinator). Requests get
    /// COORDINATOR_NOT_AVAILABLE so clients look the coordinator up again. Final.
    case dead = "Dead"

    /// The states a group may come from to enter this one (Kafka's `validPreviousStates`).
    public var validPreviousStates: Set<GroupState> {
        switch self {
        case .empty: [.preparingRebalance]
        case .preparingRebalance: [.stable, .completingRebalance, .empty]
        case .completingRebalance: [.preparingRebalance]
        case .stable: [.completingRebalance]
        case .dead: [.stable, .preparingRebalance, .completingRebalance, .empty, .dead]
        }
    }
}
