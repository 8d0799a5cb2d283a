/// The quorum's timing and membership, with Kafka's `controller.quorum.*` defaults (KIP-595).
public struct RaftConfiguration: Sendable, Hashable {
    /// The voters' node ids (`controller.quorum.voters`); every other node is an observer.
    public var voters: [Int32]
    /// A follower that has heard nothing from its leader for a random time in
    /// [electionTimeout, 2 × electionTimeout] after it lost it starts an election
    /// (`controller.quorum.election.timeout.ms`, 1000).
    public var electionTimeoutMs: Int64 = 1000
    /// A candidate that lost waits a random time up to this before the next election
    /// (`controller.quorum.election.backoff.max.ms`, 1000).
    public var electionBackoffMaxMs: Int64 = 1000
    /// A follower without a successful fetch for this long becomes a candidate; a leader not fetched
    /// from by a majority for 1.5 × this resigns (`controller.quorum.fetch.timeout.ms`, 2000).
    public var fetchTimeoutMs: Int64 = 2000
    /// How long the leader holds a fetch that has nothing new (Kafka's raft client uses 500 ms).
    public var fetchMaxWaitMs: Int64 = 500
    /// A request without an answer after this long is sent again (`controller.quorum.request.timeout.ms`, 2000).
    public var requestTimeoutMs: Int64 = 2000
    /// How many entries one fetch response carries at most.
    public var maxFetchEntries = 500
    /// How many snapshot bytes one FetchSnapshot answer carries at most (Kafka's raft client asks for
    /// up to 1 MiB a chunk).
    public var maxSnapshotChunkBytes = 1 << 20

    public init(voters: [Int32]) { self.voters = voters.sorted() }

    public var majority: Int { voters.count / 2 + 1 }
    public func isVoter(_ id: Int32) -> Bool { voters.contains(id) }
}
