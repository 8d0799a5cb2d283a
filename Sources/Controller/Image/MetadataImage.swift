import KafkaProtocol

/// The cluster's metadata as the replayed `__cluster_metadata` log describes it at one offset: brokers,
/// topics, partitions, configs and producer-id allocation. A value: the controller keeps the newest and
/// brokers publish committed ones to their caches. Mirrors Kafka's `MetadataImage`.
public struct MetadataImage: Sendable, Hashable {
    public var clusterId: String
    /// Offset of the last record applied, -1 before any.
    public var offset: Int64 = -1
    public var brokers: [Int32: BrokerRegistration] = [:]
    public var topicsByName: [String: TopicImage] = [:]
    /// Topic name by id, kept in step with `topicsByName`.
    public var topicNamesById: [KafkaUUID: String] = [:]
    /// Dynamic configs by resource: topic configs, per-broker and cluster-default broker configs.
    public var configs: [ConfigResource: [String: String]] = [:]
    /// The first producer id not yet handed out to any broker.
    public var nextProducerId: Int64 = 0
    /// Finalized feature levels (`metadata.version`, ...).
    public var features: [String: Int16] = [:]

    public init(clusterId: String) { self.clusterId = clusterId }

    public func topic(named name: String) -> TopicImage? { topicsByName[name] }

    public func topic(id: KafkaUUID) -> TopicImage? { topicNamesById[id].flatMap { topicsByName[$0] } }

    public func partition(_ topic: String, _ index: Int32) -> PartitionImage? { topicsByName[topic]?.partitions[index] }

    /// Brokers that are registered and not fenced.
    public var liveBrokers: [BrokerRegistration] { brokers.values.filter { !$0.fenced }.sorted { $0.id < $1.id } }

    /// The dynamic configs of one topic.
    public func topicConfigs(_ name: String) -> [String: String] { configs[.topic(name)] ?? [:] }
}

/// A topic: its name, id and partitions.
public struct TopicImage: Sendable, Hashable {
    public var name: String
    public var id: KafkaUUID
    public var partitions: [Int32: PartitionImage] = [:]

    public init(name: String, id: KafkaUUID) {
        self.name = name
        self.id = id
    }

    /// Partitions in index order.
    public var sortedPartitions: [PartitionImage] { partitions.values.sorted { $0.index < $1.index } }
}

/// One partition's replica assignment and leadership, as `PartitionRecord`/`PartitionChangeRecord` set it.
public struct PartitionImage: Sendable, Hashable {
    public var index: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var leader: Int32
    public var leaderEpoch: Int32
    /// Bumped on every change of the partition's state (KIP-631).
    public var partitionEpoch: Int32

    public init(index: Int32, replicas: [Int32], isr: [Int32], leader: Int32, leaderEpoch: Int32, partitionEpoch: Int32) {
        self.index = index
        self.replicas = replicas
        self.isr = isr
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
    }

    /// Replicas that are not in the ISR.
    public var outOfSyncReplicas: [Int32] { replicas.filter { !isr.contains($0) } }
}

/// A registered broker: where clients reach it and whether it may lead partitions.
public struct BrokerRegistration: Sendable, Hashable {
    public var id: Int32
    /// The offset of its registration record (Kafka uses it as the broker epoch).
    public var epoch: Int64
    public var incarnationId: KafkaUUID
    public var host: String
    public var port: Int32
    public var rack: String?
    /// Fenced brokers may not lead or join an ISR: registered but not yet caught up with the metadata
    /// log, or silent for longer than `broker.session.timeout.ms`.
    public var fenced: Bool
    /// Set when the broker asked to shut down: its leaderships are moving away (KIP-631).
    public var inControlledShutdown: Bool

    public init(
        id: Int32, epoch: Int64, incarnationId: KafkaUUID, host: String, port: Int32, rack: String?, fenced: Bool,
        inControlledShutdown: Bool = false
    ) {
        self.id = id
        self.epoch = epoch
        self.incarnationId = incarnationId
        self.host = host
        self.port = port
        self.rack = rack
        self.fenced = fenced
        self.inControlledShutdown = inControlledShutdown
    }
}

/// What a config belongs to (`ConfigResource.Type` in Kafka: TOPIC = 2, BROKER = 4).
public enum ConfigResource: Sendable, Hashable {
    case topic(String)
    /// A broker's own dynamic configs; the id is the resource name.
    case broker(Int32)
    /// Dynamic defaults for every broker (an empty broker resource name).
    case clusterDefaultBroker

    public static let topicType: Int8 = 2
    public static let brokerType: Int8 = 4

    /// The resource as the wire names it.
    public init?(type: Int8, name: String) {
        switch type {
        case Self.topicType: self = .topic(name)
        case Self.brokerType:
            if name.isEmpty {
                self = .clusterDefaultBroker
            } else if let id = Int32(name) {
                self = .broker(id)
            } else {
                return nil
            }
        default: return nil
        }
    }

    public var type: Int8 {
        switch self {
        case .topic: Self.topicType
        case .broker, .clusterDefaultBroker: Self.brokerType
        }
    }

    public var name: String {
        switch self {
        case .topic(let name): name
        case .broker(let id): String(id)
        case .clusterDefaultBroker: ""
        }
    }
}
