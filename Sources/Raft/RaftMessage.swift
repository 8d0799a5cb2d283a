import NIOCore

/// What quorum members say to each other, in the shape of Kafka's Vote, BeginQuorumEpoch,
/// EndQuorumEpoch and Fetch messages (KIP-595) but with the quorum's own types, so the module needs no
/// codec: the broker maps these to and from the generated Kafka messages, a simulation routes them as is.
public enum RaftMessage: Sendable, Hashable {
    case voteRequest(VoteRequest)
    case voteResponse(VoteResponse)
    case beginQuorumEpochRequest(BeginQuorumEpochRequest)
    case beginQuorumEpochResponse(QuorumResponse)
    case endQuorumEpochRequest(EndQuorumEpochRequest)
    case endQuorumEpochResponse(QuorumResponse)
    case fetchRequest(FetchRequest)
    case fetchResponse(FetchResponse)
    case fetchSnapshotRequest(FetchSnapshotRequest)
    case fetchSnapshotResponse(FetchSnapshotResponse)

    /// A candidate asks for a vote, presenting where its log ends.
    public struct VoteRequest: Sendable, Hashable {
        public var candidateEpoch: Int32
        public var candidateId: Int32
        public var lastOffset: OffsetAndEpoch

        public init(candidateEpoch: Int32, candidateId: Int32, lastOffset: OffsetAndEpoch) {
            self.candidateEpoch = candidateEpoch
            self.candidateId = candidateId
            self.lastOffset = lastOffset
        }
    }

    public struct VoteResponse: Sendable, Hashable {
        public var error: RaftError
        /// The voter's epoch and the leader it knows (-1: none).
        public var leaderEpoch: Int32
        public var leaderId: Int32
        public var voteGranted: Bool

        public init(error: RaftError, leaderEpoch: Int32, leaderId: Int32, voteGranted: Bool) {
            self.error = error
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
            self.voteGranted = voteGranted
        }
    }

    /// A new leader tells the voters it won, so they need not wait for an election timeout to learn it.
    public struct BeginQuorumEpochRequest: Sendable, Hashable {
        public var leaderEpoch: Int32
        public var leaderId: Int32

        public init(leaderEpoch: Int32, leaderId: Int32) {
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
        }
    }

    /// A leader that steps down (shutdown, lost quorum) names who should try next, best first.
    public struct EndQuorumEpochRequest: Sendable, Hashable {
        public var leaderEpoch: Int32
        public var leaderId: Int32
        public var preferredSuccessors: [Int32]

        public init(leaderEpoch: Int32, leaderId: Int32, preferredSuccessors: [Int32]) {
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
            self.preferredSuccessors = preferredSuccessors
        }
    }

    /// The answer to BeginQuorumEpoch and EndQuorumEpoch: the receiver's epoch and leader.
    public struct QuorumResponse: Sendable, Hashable {
        public var error: RaftError
        public var leaderEpoch: Int32
        public var leaderId: Int32

        public init(error: RaftError, leaderEpoch: Int32, leaderId: Int32) {
            self.error = error
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
        }
    }

    /// A follower or observer pulls entries from `fetchOffset`; `lastFetchedEpoch` lets the leader
    /// check that the logs agree up to there (KIP-595 uses KIP-320's divergence check).
    public struct FetchRequest: Sendable, Hashable {
        public var replicaId: Int32
        public var currentLeaderEpoch: Int32
        public var fetchOffset: Int64
        public var lastFetchedEpoch: Int32

        public init(replicaId: Int32, currentLeaderEpoch: Int32, fetchOffset: Int64, lastFetchedEpoch: Int32) {
            self.replicaId = replicaId
            self.currentLeaderEpoch = currentLeaderEpoch
            self.fetchOffset = fetchOffset
            self.lastFetchedEpoch = lastFetchedEpoch
        }

        /// Where the fetcher's log ended when it asked.
        public var position: OffsetAndEpoch { OffsetAndEpoch(offset: fetchOffset, epoch: lastFetchedEpoch) }
    }

    public struct FetchResponse: Sendable, Hashable {
        public var error: RaftError
        /// The epoch and leader the answering node knows.
        public var leaderEpoch: Int32
        public var leaderId: Int32
        public var highWatermark: Int64
        /// Set when the fetcher's log diverges: truncate to at most this, then fetch again.
        public var divergingEpoch: OffsetAndEpoch?
        /// Set when what the fetcher needs is only in the leader's snapshot: fetch that (KIP-630).
        public var snapshotId: OffsetAndEpoch?
        public var entries: [RaftEntry]
        /// The position of the fetch this answers (not on Kafka's wire: the broker's shell fills it in
        /// from the request it sent, as Kafka matches answers to its one fetch in flight by correlation
        /// id). A follower ignores an answer to any fetch but its latest, such as a late or duplicated
        /// answer to an earlier one, which could otherwise truncate entries it has since fetched.
        public var answers: OffsetAndEpoch?

        public init(
            error: RaftError, leaderEpoch: Int32, leaderId: Int32, highWatermark: Int64 = -1,
            divergingEpoch: OffsetAndEpoch? = nil, snapshotId: OffsetAndEpoch? = nil, entries: [RaftEntry] = []
        ) {
            self.error = error
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
            self.highWatermark = highWatermark
            self.divergingEpoch = divergingEpoch
            self.snapshotId = snapshotId
            self.entries = entries
        }
    }

    /// A follower downloads the leader's snapshot `snapshotId` a chunk at a time, from `position`
    /// (Kafka's FetchSnapshot, KIP-630).
    public struct FetchSnapshotRequest: Sendable, Hashable {
        public var replicaId: Int32
        public var currentLeaderEpoch: Int32
        public var snapshotId: OffsetAndEpoch
        public var position: Int64

        public init(replicaId: Int32, currentLeaderEpoch: Int32, snapshotId: OffsetAndEpoch, position: Int64) {
            self.replicaId = replicaId
            self.currentLeaderEpoch = currentLeaderEpoch
            self.snapshotId = snapshotId
            self.position = position
        }
    }

    /// One chunk of a snapshot: the bytes at `position`, and the snapshot's whole `size`.
    public struct FetchSnapshotResponse: Sendable, Hashable {
        public var error: RaftError
        public var leaderEpoch: Int32
        public var leaderId: Int32
        public var snapshotId: OffsetAndEpoch
        public var size: Int64
        public var position: Int64
        public var bytes: ByteBuffer

        public init(
            error: RaftError, leaderEpoch: Int32, leaderId: Int32, snapshotId: OffsetAndEpoch, size: Int64 = -1, position: Int64 = -1,
            bytes: ByteBuffer = ByteBuffer()
        ) {
            self.error = error
            self.leaderEpoch = leaderEpoch
            self.leaderId = leaderId
            self.snapshotId = snapshotId
            self.size = size
            self.position = position
            self.bytes = bytes
        }
    }

    /// The epoch the message carries, used to notice that the sender knows a newer epoch.
    public var epoch: Int32 {
        switch self {
        case .voteRequest(let m): m.candidateEpoch
        case .voteResponse(let m): m.leaderEpoch
        case .beginQuorumEpochRequest(let m): m.leaderEpoch
        case .beginQuorumEpochResponse(let m), .endQuorumEpochResponse(let m): m.leaderEpoch
        case .endQuorumEpochRequest(let m): m.leaderEpoch
        case .fetchRequest(let m): m.currentLeaderEpoch
        case .fetchResponse(let m): m.leaderEpoch
        case .fetchSnapshotRequest(let m): m.currentLeaderEpoch
        case .fetchSnapshotResponse(let m): m.leaderEpoch
        }
    }
}

/// The Kafka errors the quorum answers with; the broker maps them to Kafka's error codes.
public enum RaftError: Sendable, Hashable {
    case none
    /// The request's epoch is older than the receiver's.
    case fencedLeaderEpoch
    /// The request's epoch is newer than the receiver's.
    case unknownLeaderEpoch
    /// A leader-only request reached a node that is not the leader.
    case notLeaderOrFollower
    /// The sender is not a voter of this quorum.
    case inconsistentVoterSet
    /// The leader no longer has the snapshot asked for (a newer one replaced it).
    case snapshotNotFound
    /// The position asked for is past the snapshot's end.
    case positionOutOfRange
}
