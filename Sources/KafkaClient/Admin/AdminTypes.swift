import KafkaProtocol

/// A topic to create: partitions and replication factor (-1 for the broker's defaults), configs, and
/// optionally an explicit replica assignment (partition → broker ids).
public struct NewTopic: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int16
    public var configs: [String: String]
    public var assignments: [Int32: [Int32]]

    public init(
        name: String, partitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [String: String] = [:],
        assignments: [Int32: [Int32]] = [:]
    ) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
        self.assignments = assignments
    }
}

/// The outcome for one topic of CreateTopics.
public struct TopicCreationResult: Sendable, Hashable {
    public var name: String
    /// The new topic's id (CreateTopics v7+), else zero.
    public var topicId: KafkaUUID
    /// What the broker chose (CreateTopics v5+), else -1.
    public var partitions: Int32
    public var replicationFactor: Int16
    /// TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, POLICY_VIOLATION, ... or nil on success.
    public var error: KafkaClientError?
}

/// The outcome for one named item (a topic deleted, partitions added, configs altered).
public struct AdminItemResult: Sendable, Hashable {
    public var name: String
    public var error: KafkaClientError?
}

/// A topic as `listTopics` returns it.
public struct TopicListing: Sendable, Hashable {
    public var name: String
    public var topicId: KafkaUUID
    public var isInternal: Bool
    public var partitionCount: Int
}

/// The cluster as DescribeCluster (or Metadata) describes it.
public struct ClusterDescription: Sendable, Hashable {
    public var clusterId: String?
    public var controllerId: Int32?
    public var brokers: [BrokerInfo]
}

/// One failed item of an admin call as a `KafkaClientError`, or nil for success.
func itemError(_ code: Int16, _ message: String?, _ context: String) -> KafkaClientError? {
    let error = ErrorCode(code)
    return error == .noError ? nil : .broker(error, context, message: message)
}
