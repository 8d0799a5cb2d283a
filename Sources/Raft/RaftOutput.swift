/// What a call into `RaftNode` asks its shell to do, in this order: persist the quorum state (when set),
/// then send the messages. A vote must be on disk before anyone hears of it.
public struct RaftOutput: Sendable {
    public var persist: QuorumState?
    public var messages: [(to: Int32, message: RaftMessage)] = []

    public init() {}
}
