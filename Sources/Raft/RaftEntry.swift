import NIOCore

/// One entry of the replicated log: its offset, the leader epoch it was written in, and what it holds.
public struct RaftEntry: Sendable, Hashable {
    public var offset: Int64
    public var epoch: Int32
    public var payload: Payload

    /// An application record (a metadata record) or a control record the quorum writes itself.
    public enum Payload: Sendable, Hashable {
        case data(ByteBuffer)
        /// Written first by every new leader (Kafka's LeaderChangeMessage control record): committing it
        /// commits everything before it, which Raft forbids doing by counting replicas of older entries.
        case leaderChange(leaderId: Int32, voters: [Int32])
    }

    public init(offset: Int64, epoch: Int32, payload: Payload) {
        self.offset = offset
        self.epoch = epoch
        self.payload = payload
    }
}

/// An offset paired with the epoch of the entry before it: a position in a log that two logs can compare.
public struct OffsetAndEpoch: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int64
    public var epoch: Int32

    public init(offset: Int64, epoch: Int32) {
        self.offset = offset
        self.epoch = epoch
    }

    /// Raft's "at least as up to date": the later last epoch wins, then the longer log.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.epoch, lhs.offset) < (rhs.epoch, rhs.offset) }

    public var description: String { "offset \(offset) epoch \(epoch)" }
}
