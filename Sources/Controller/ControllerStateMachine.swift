import KafkaProtocol

/// The cluster metadata state machine (Kafka's `QuorumController` minus its I/O): it validates admin
/// operations against the current image and answers with records to commit plus the response.
/// A shell appends the records to the metadata log (Raft) and then calls `replay`; nothing here does I/O,
/// so tests drive it directly.
public struct ControllerStateMachine: Sendable {
    public private(set) var image: MetadataImage
    /// The controller's node id (`controllerId` in Metadata and DescribeCluster answers).
    public let nodeId: Int32
    /// Broker configs from `server.properties`/`--set`, for defaults such as `num.partitions`.
    public var staticBrokerConfigs: [String: String]
    /// Chooses the first broker of replica placement; injected so tests are repeatable.
    public var placementSeed: UInt64

    /// Producer ids handed to a broker at a time, as Kafka's `ProducerIdControlManager` does.
    public static let producerIdBlockSize: Int64 = 1000
    /// `metadata.version` written when a cluster is first formatted: 3.8-IV0.
    public static let bootstrapMetadataVersion: Int16 = 20

    public init(clusterId: String, nodeId: Int32, staticBrokerConfigs: [String: String] = [:], placementSeed: UInt64 = 0) {
        self.image = MetadataImage(clusterId: clusterId)
        self.nodeId = nodeId
        self.staticBrokerConfigs = staticBrokerConfigs
        self.placementSeed = placementSeed
    }

    /// Applies a committed record.
    public mutating func replay(_ record: any KafkaMetadataRecord, offset: Int64) {
        image.apply(record, offset: offset)
    }

    /// Replaces the image with the one a metadata snapshot holds, the state after every record below
    /// `endOffset` (a broker starting from its snapshot, or a follower that downloaded its leader's).
    public mutating func load(snapshot records: [any KafkaMetadataRecord], endOffset: Int64) {
        image = MetadataImage(clusterId: image.clusterId, snapshot: records, lastOffset: endOffset - 1)
    }

    /// Resolves configs against the current image.
    public var configs: ConfigResolver {
        ConfigResolver(nodeId: nodeId, staticBrokerConfigs: staticBrokerConfigs, image: image)
    }

    /// The records that start a freshly formatted cluster (Kafka's bootstrap metadata).
    public func bootstrapRecords() -> [any KafkaMetadataRecord] {
        [FeatureLevelRecord(name: "metadata.version", featureLevel: Self.bootstrapMetadataVersion)]
    }

    // MARK: Producer ids

    /// A new block of producer ids for `brokerId`: the record that reserves it, and its first id.
    public func allocateProducerIds(brokerId: Int32, brokerEpoch: Int64) -> ControllerResult<ClosedRange<Int64>> {
        let first = image.nextProducerId
        let record = ProducerIdsRecord(brokerId: brokerId, brokerEpoch: brokerEpoch, nextProducerId: first + Self.producerIdBlockSize)
        return ControllerResult(records: [record], response: first...(first + Self.producerIdBlockSize - 1))
    }
}
