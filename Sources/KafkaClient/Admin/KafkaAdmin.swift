import KafkaProtocol
import KafkaRecords

/// Topic and cluster administration over the wire protocol, as Kafka's `Admin` client does it.
///
/// Calls that change topics go to the controller (under KRaft any broker forwards them) and are
/// retried when the controller moved. Results carry per-item errors: one topic failing does not fail
/// the others.
public final class KafkaAdmin: Sendable {
    public let cluster: ClusterClient
    private let ownsCluster: Bool

    public init(cluster: ClusterClient) {
        self.cluster = cluster
        self.ownsCluster = false
    }

    /// An admin with its own cluster client; `close()` closes it too.
    public init(clientConfiguration: ClientConfiguration) {
        self.cluster = ClusterClient(configuration: clientConfiguration)
        self.ownsCluster = true
    }

    public convenience init(bootstrap: [String]) throws {
        self.init(clientConfiguration: try ClientConfiguration(bootstrap: bootstrap))
    }

    public func close() async {
        if ownsCluster { await cluster.close() }
    }

    /// Creates topics; `validateOnly` asks the broker to check without creating (CreateTopics v1+).
    public func createTopics(
        _ topics: [NewTopic], validateOnly: Bool = false, timeout: Duration = .seconds(30)
    ) async throws -> [TopicCreationResult] {
        var request = CreateTopicsRequest()
        request.timeoutMs = timeout.milliseconds32
        request.validateOnly = validateOnly
        request.topics = topics.map { topic in
            var entry = CreateTopicsRequest.CreatableTopic()
            entry.name = topic.name
            entry.numPartitions = topic.assignments.isEmpty ? topic.partitions : -1
            entry.replicationFactor = topic.assignments.isEmpty ? topic.replicationFactor : -1
            entry.assignments = topic.assignments.sorted { $0.key < $1.key }.map { .init(partitionIndex: $0.key, brokerIds: $0.value) }
            entry.configs = topic.configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }
            return entry
        }
        let response = try await sendToController(request) { response in
            response.topics.contains { $0.errorCode == ErrorCode.notController.rawValue }
        }
        if !validateOnly { cluster.requestMetadataRefresh(topics: topics.map(\.name)) }
        return response.topics.map { result in
            TopicCreationResult(
                name: result.name, topicId: result.topicId, partitions: result.numPartitions,
                replicationFactor: result.replicationFactor,
                error: itemError(result.errorCode, result.errorMessage, "cannot create topic '\(result.name)'"))
        }
    }

    /// Deletes topics by name.
    public func deleteTopics(_ names: [String], timeout: Duration = .seconds(30)) async throws -> [AdminItemResult] {
        var request = DeleteTopicsRequest()
        request.timeoutMs = timeout.milliseconds32
        request.topicNames = names
        request.topics = names.map { .init(name: $0) }
        let response = try await sendToController(request, adapt: { request, version in
            if version >= 6 { request.topicNames = [] } else { request.topics = [] }
        }) { response in
            response.responses.contains { $0.errorCode == ErrorCode.notController.rawValue }
        }
        return response.responses.map { result in
            let name = result.name ?? result.topicId.description
            return AdminItemResult(name: name, error: itemError(result.errorCode, result.errorMessage, "cannot delete topic '\(name)'"))
        }
    }

    /// Raises topics' partition counts (`newTotals`: topic → new total).
    public func createPartitions(
        _ newTotals: [String: Int32], validateOnly: Bool = false, timeout: Duration = .seconds(30)
    ) async throws -> [AdminItemResult] {
        var request = CreatePartitionsRequest()
        request.timeoutMs = timeout.milliseconds32
        request.validateOnly = validateOnly
        request.topics = newTotals.sorted { $0.key < $1.key }.map { .init(name: $0.key, count: $0.value, assignments: nil) }
        let response = try await sendToController(request) { response in
            response.results.contains { $0.errorCode == ErrorCode.notController.rawValue }
        }
        if !validateOnly { cluster.requestMetadataRefresh(topics: newTotals.keys) }
        return response.results.map {
            AdminItemResult(name: $0.name, error: itemError($0.errorCode, $0.errorMessage, "cannot add partitions to '\($0.name)'"))
        }
    }

    /// Every topic's name, id and partition count (internal topics only when asked).
    public func listTopics(includeInternal: Bool = false) async throws -> [TopicListing] {
        let metadata = try await cluster.refreshMetadata(topics: nil)
        return metadata.topics.values
            .filter { $0.error == .noError && (includeInternal || !$0.isInternal) }
            .map { TopicListing(name: $0.name, topicId: $0.id, isInternal: $0.isInternal, partitionCount: $0.partitions.count) }
            .sorted { $0.name < $1.name }
    }

    /// Topics with their partitions: leader, epoch, replicas, ISR. A missing topic comes back with
    /// `error == .unknownTopicOrPartition`.
    public func describeTopics(_ names: [String]) async throws -> [TopicMetadata] {
        let metadata = try await cluster.refreshMetadata(topics: names)
        return names.map { metadata.topics[$0] ?? TopicMetadata(name: $0, partitions: [], error: .unknownTopicOrPartition) }
    }

    /// Offsets per partition: earliest, latest, by timestamp, or of the max timestamp.
    public func listOffsets(_ specs: [TopicPartition: OffsetSpec]) async throws -> [TopicPartition: Result<ListedOffset, KafkaClientError>] {
        try await cluster.listOffsets(specs)
    }

    /// The cluster id, controller and brokers: DescribeCluster when the broker has it, else Metadata.
    public func describeCluster() async throws -> ClusterDescription {
        let connection = try await cluster.anyConnection()
        if connection.versions.supports(.describeCluster) {
            let response = try await connection.send(DescribeClusterRequest())
            if let error = itemError(response.errorCode, response.errorMessage, "DescribeCluster failed") { throw error }
            return ClusterDescription(
                clusterId: response.clusterId, controllerId: response.controllerId >= 0 ? response.controllerId : nil,
                brokers: response.brokers.map { BrokerInfo(nodeId: $0.brokerId, host: $0.host, port: $0.port, rack: $0.rack) })
        }
        let metadata = try await cluster.refreshMetadata(topics: [])
        return ClusterDescription(
            clusterId: metadata.clusterId, controllerId: metadata.controllerId,
            brokers: metadata.brokers.values.sorted { $0.nodeId < $1.nodeId })
    }

    /// Sends to the controller, refreshing metadata and retrying (twice) when it answers NOT_CONTROLLER.
    func sendToController<Request: KafkaRequest>(
        _ request: Request, adapt: (inout Request, Int16) -> Void = { _, _ in },
        notController: (Request.Response) -> Bool
    ) async throws -> Request.Response {
        var attempt = 0
        while true {
            var controller = cluster.metadata.controllerId
            if controller == nil || attempt > 0 { controller = try await cluster.refreshMetadata(topics: []).controllerId }
            let connection = try await connection(to: controller)
            let version = try connection.version(Request.apiKey)
            var adapted = request
            adapt(&adapted, version)
            let response = try await connection.send(adapted, version: version)
            attempt += 1
            if !notController(response) || attempt >= 3 { return response }
            try await Task.sleep(for: cluster.configuration.retryBackoff)
        }
    }

    /// The connection to `node`, or to any broker when nil.
    func connection(to node: Int32?) async throws -> BrokerConnection {
        if let node { return try await cluster.connection(to: node) }
        return try await cluster.anyConnection()
    }
}
