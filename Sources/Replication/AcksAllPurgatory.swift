/// The acks=all appends waiting for the ISR (Kafka's produce purgatory, `DelayedProduce`), as a pure
/// structure: each waits for the high watermark to reach the end of its append, until its deadline.
/// `complete` says which to answer now and with what; the shell calls it whenever the HW or the ISR
/// moved, and on a timer for deadlines.
public struct AcksAllPurgatory<Token: Hashable & Sendable>: Sendable {
    /// One waiting append.
    public struct Pending: Sendable, Hashable {
        public var token: Token
        /// The append's last offset + 1: acknowledged once the high watermark reaches it.
        public var requiredOffset: Int64
        public var deadlineMs: Int64
    }

    public private(set) var pending: [Pending] = []

    public init() {}

    public var isEmpty: Bool { pending.isEmpty }

    /// Parks an append that ended at `requiredOffset` (exclusive) until `deadlineMs`.
    public mutating func add(_ token: Token, requiredOffset: Int64, deadlineMs: Int64) {
        pending.append(Pending(token: token, requiredOffset: requiredOffset, deadlineMs: deadlineMs))
    }

    /// Answers what can be answered: success once the HW reached an append (or
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR fell under `min.insync.replicas`),
    /// REQUEST_TIMED_OUT past the deadline, NOT_LEADER_OR_FOLLOWER for all when `leader` is nil
    /// (this replica stopped leading). The rest keep waiting, in order.
    public mutating func complete(leader: PartitionLeader?, now: Int64) -> [(token: Token, result: Result<Void, ReplicationError>)] {
        var answered: [(token: Token, result: Result<Void, ReplicationError>)] = []
        var waiting: [Pending] = []
        for entry in pending {
            guard let leader else {
                answered.append((entry.token, .failure(.notLeaderOrFollower)))
                continue
            }
            if let result = leader.acksAllResult(requiredOffset: entry.requiredOffset) {
                answered.append((entry.token, result))
            } else if now >= entry.deadlineMs {
                answered.append((entry.token, .failure(.requestTimedOut)))
            } else {
                waiting.append(entry)
            }
        }
        pending = waiting
        return answered
    }
}
