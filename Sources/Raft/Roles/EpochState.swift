/// The role a node has in the current epoch: exactly one at a time (Kafka's `EpochState`).
public enum EpochState: Sendable, Hashable {
    case unattached(UnattachedState)
    case voted(VotedState)
    case candidate(CandidateState)
    case leader(LeaderState)
    case follower(FollowerState)
    case resigned(ResignedState)

    public var epoch: Int32 {
        switch self {
        case .unattached(let s): s.epoch
        case .voted(let s): s.epoch
        case .candidate(let s): s.epoch
        case .leader(let s): s.epoch
        case .follower(let s): s.epoch
        case .resigned(let s): s.epoch
        }
    }

    /// The leader of this epoch as this node knows it (-1: unknown).
    public func leaderId(localId: Int32) -> Int32 {
        switch self {
        case .leader, .resigned: localId
        case .follower(let s): s.leaderId
        case .unattached, .voted, .candidate: -1
        }
    }

    /// Whom this node voted for in this epoch (-1: nobody).
    public func votedId(localId: Int32) -> Int32 {
        switch self {
        case .voted(let s): s.votedId
        case .candidate, .leader, .resigned: localId
        case .unattached, .follower: -1
        }
    }

    public var name: String {
        switch self {
        case .unattached: "unattached"
        case .voted: "voted"
        case .candidate: "candidate"
        case .leader: "leader"
        case .follower: "follower"
        case .resigned: "resigned"
        }
    }
}
