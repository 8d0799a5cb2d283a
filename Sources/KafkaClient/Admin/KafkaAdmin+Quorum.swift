import KafkaProtocol

/// The KRaft metadata quorum as DescribeQuorum (KIP-595, API key 55) reports it: who leads, in which
/// epoch, how far the log is committed, and how far each voter and observer has replicated it.
public struct QuorumDescription: Sendable, Hashable {
    /// The leader's node id, or nil when the quorum has none (an election is under way).
    public var leaderId: Int32?
    public var leaderEpoch: Int32
    /// The metadata log's high watermark (the committed end).
    public var highWatermark: Int64
    public var voters: [QuorumReplica]
    public var observers: [QuorumReplica]

    public init(leaderId: Int32?, leaderEpoch: Int32, highWatermark: Int64, voters: [QuorumReplica], observers: [QuorumReplica]) {
        self.leaderId = leaderId
        self.leaderEpoch = leaderEpoch
        self.highWatermark = highWatermark
        self.voters = voters
        self.observers = observers
    }

    /// Reads the answer for `__cluster_metadata-0`; a top-level or partition error becomes a thrown
    /// error, UNSUPPORTED_VERSION as `.unsupportedVersion` (the broker does not describe its quorum).
    init(_ response: DescribeQuorumResponse) throws(KafkaClientError) {
        try Self.check(response.errorCode)
        guard let partition = response.topics.first(where: { $0.topicName == KafkaAdmin.metadataTopic })?
            .partitions.first(where: { $0.partitionIndex == 0 })
        else {
            throw KafkaClientError(.malformedResponse, "DescribeQuorum answered without \(KafkaAdmin.metadataTopic)-0")
        }
        try Self.check(partition.errorCode)
        self.init(
            leaderId: partition.leaderId >= 0 ? partition.leaderId : nil, leaderEpoch: partition.leaderEpoch,
            highWatermark: partition.highWatermark, voters: partition.currentVoters.map(QuorumReplica.init),
            observers: partition.observers.map(QuorumReplica.init))
    }

    private static func check(_ code: Int16) throws(KafkaClientError) {
        let error = ErrorCode(code)
        if error == .unsupportedVersion {
            throw KafkaClientError(.unsupportedVersion, "the broker does not describe its metadata quorum", brokerError: error)
        }
        if let failure = itemError(code, nil, "DescribeQuorum failed") { throw failure }
    }
}

/// One replica of the metadata log in a DescribeQuorum answer.
public struct QuorumReplica: Sendable, Hashable {
    public var replicaId: Int32
    public var logEndOffset: Int64
    /// When the leader last had a fetch from it, ms since the epoch (DescribeQuorum v1+), else nil.
    public var lastFetchTimestamp: Int64?
    /// When it was last caught up with the leader, ms since the epoch (v1+), else nil.
    public var lastCaughtUpTimestamp: Int64?

    public init(replicaId: Int32, logEndOffset: Int64, lastFetchTimestamp: Int64? = nil, lastCaughtUpTimestamp: Int64? = nil) {
        self.replicaId = replicaId
        self.logEndOffset = logEndOffset
        self.lastFetchTimestamp = lastFetchTimestamp
        self.lastCaughtUpTimestamp = lastCaughtUpTimestamp
    }

    init(_ state: DescribeQuorumResponse.ReplicaState) {
        self.init(
            replicaId: state.replicaId, logEndOffset: state.logEndOffset,
            lastFetchTimestamp: state.lastFetchTimestamp >= 0 ? state.lastFetchTimestamp : nil,
            lastCaughtUpTimestamp: state.lastCaughtUpTimestamp >= 0 ? state.lastCaughtUpTimestamp : nil)
    }
}

extension KafkaAdmin {
    /// The metadata log's topic (KRaft's `__cluster_metadata`, one partition).
    static let metadataTopic = "__cluster_metadata"

    /// Describes the metadata quorum. Any broker answers (Kafka's brokers forward it to the active
    /// controller). Throws `.unsupportedVersion` when the broker does not offer DescribeQuorum.
    public func describeQuorum() async throws -> QuorumDescription {
        let connection = try await cluster.anyConnection()
        let version = try connection.version(.describeQuorum)
        let request = DescribeQuorumRequest(topics: [.init(topicName: Self.metadataTopic, partitions: [.init(partitionIndex: 0)])])
        return try QuorumDescription(try await connection.send(request, version: version))
    }
}
