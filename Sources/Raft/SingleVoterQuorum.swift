import NIOCore

/// A quorum of one voter: this node. It elects itself at start in a new epoch, and a record is
/// committed as soon as it is durable on its own disk, which is KRaft's rule with a single voter
/// (KIP-595). The multi-voter roles (candidate, follower, Vote, BeginQuorumEpoch) come with clusters.
public struct SingleVoterQuorum: Sendable {
    public let nodeId: Int32
    public private(set) var state: QuorumState
    /// Everything below this offset is committed.
    public private(set) var highWatermark: Int64

    /// Takes the stored state (nil on a new node) and becomes leader in the next epoch. The caller
    /// persists `state` before it appends anything in the new epoch.
    public init(nodeId: Int32, stored: QuorumState?, logEndOffset: Int64) {
        self.nodeId = nodeId
        let epoch = (stored?.leaderEpoch ?? 0) + 1
        state = QuorumState(leaderId: nodeId, leaderEpoch: epoch, votedId: nodeId, voters: [nodeId])
        highWatermark = logEndOffset
    }

    public var epoch: Int32 { state.leaderEpoch }

    /// Appends and commits: write, fsync, then move the high watermark to the log end.
    public mutating func appendAndCommit(_ values: [ByteBuffer], to log: some ReplicatedLog, now: Int64) throws -> Int64 {
        let first = try log.appendAsLeader(values, epoch: epoch, now: now)
        try log.flush(now: now)
        highWatermark = log.logEndOffset
        return first
    }
}
