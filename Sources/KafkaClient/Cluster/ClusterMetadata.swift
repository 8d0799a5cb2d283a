import KafkaProtocol
import KafkaRecords
import NIOCore

/// A broker as the cluster's metadata describes it.
public struct BrokerInfo: Sendable, Hashable, CustomStringConvertible {
    public var nodeId: Int32
    public var host: String
    public var port: Int32
    public var rack: String?

    public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.rack = rack
    }

    public var address: BrokerAddress { BrokerAddress(host: host, port: Int(port)) }
    public var description: String { "\(nodeId)@\(address)" }
}

/// One partition's placement: leader, leader epoch, replicas and in-sync replicas.
public struct PartitionMetadata: Sendable, Hashable {
    public var partition: Int32
    /// The leader's node id, or -1 when there is none.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var offlineReplicas: [Int32]
    /// LEADER_NOT_AVAILABLE and the like, or `.noError`.
    public var error: ErrorCode

    public init(
        partition: Int32, leader: Int32, leaderEpoch: Int32 = -1, replicas: [Int32] = [], isr: [Int32] = [],
        offlineReplicas: [Int32] = [], error: ErrorCode = .noError
    ) {
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.offlineReplicas = offlineReplicas
        self.error = error
    }

    public var hasLeader: Bool { leader >= 0 }
}

/// One topic: its id, whether it is internal, and its partitions in index order.
public struct TopicMetadata: Sendable, Hashable {
    public var name: String
    /// The topic id (zero when the broker does not send ids: Metadata before v10).
    public var id: KafkaUUID
    public var isInternal: Bool
    public var partitions: [PartitionMetadata]
    /// UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE (being created), ... or `.noError`.
    public var error: ErrorCode

    public init(name: String, id: KafkaUUID = .zero, isInternal: Bool = false, partitions: [PartitionMetadata], error: ErrorCode = .noError) {
        self.name = name
        self.id = id
        self.isInternal = isInternal
        self.partitions = partitions.sorted { $0.partition < $1.partition }
        self.error = error
    }

    public func partition(_ index: Int32) -> PartitionMetadata? {
        if index >= 0, Int(index) < partitions.count, partitions[Int(index)].partition == index { return partitions[Int(index)] }
        return partitions.first { $0.partition == index }
    }
}

/// A snapshot of what the cluster told us: brokers, controller, cluster id and topics.
///
/// Values, not references: a caller keeps the snapshot it got while the client refreshes its own.
public struct ClusterMetadata: Sendable, Hashable {
    public var clusterId: String?
    /// The controller the broker named (under KRaft, a broker that forwards to the active controller).
    public var controllerId: Int32?
    public var brokers: [Int32: BrokerInfo]
    public var topics: [String: TopicMetadata]
    /// When this snapshot was taken (monotonic clock).
    public var fetchedAt: NIODeadline

    public init(
        clusterId: String? = nil, controllerId: Int32? = nil, brokers: [Int32: BrokerInfo] = [:],
        topics: [String: TopicMetadata] = [:], fetchedAt: NIODeadline = .distantPast
    ) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
        self.fetchedAt = fetchedAt
    }

    public func partition(_ tp: TopicPartition) -> PartitionMetadata? { topics[tp.topic]?.partition(tp.partition) }

    /// The leader's node id, if the partition has one.
    public func leader(for tp: TopicPartition) -> Int32? {
        guard let partition = partition(tp), partition.hasLeader else { return nil }
        return partition.leader
    }

    /// How many partitions a known topic has.
    public func partitionCount(_ topic: String) -> Int? {
        guard let topic = topics[topic], topic.error == .noError, !topic.partitions.isEmpty else { return nil }
        return topic.partitions.count
    }

    /// This snapshot with `update` laid over it: brokers, controller and cluster id from `update`;
    /// topics from `update` replace ours (all of ours when `update` listed every topic).
    func merging(_ update: ClusterMetadata, allTopics: Bool) -> ClusterMetadata {
        var merged = update
        if !allTopics {
            merged.topics = topics.merging(update.topics) { _, new in new }
        }
        return merged
    }
}
