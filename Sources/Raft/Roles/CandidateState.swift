/// Asking for votes in `epoch`, having voted for itself (Kafka's `CandidateState`). Wins with a majority;
/// on losing or on `electionDeadline` it backs off for a random, growing time before the next epoch.
public struct CandidateState: Sendable, Hashable {
    public var epoch: Int32
    public var granted: Set<Int32>
    public var rejected: Set<Int32> = []
    public var electionDeadline: Int64
    /// Set once this election is lost or timed out: the next election starts then.
    public var backoffUntil: Int64?
    /// Elections lost in a row, for the exponential backoff.
    public var retries: Int

    public func hasLost(voters: Int, majority: Int) -> Bool { rejected.count > voters - majority }
}
