import Controller
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Raft
import SystemPackage

/// The broker's controller side while it runs as a single-node cluster: the controller state machine,
/// a one-voter quorum that commits its records to `__cluster_metadata-0`, and the publication of each
/// committed image to the rest of the broker. Operations are serialised by the actor; each one appends
/// its records, waits for them to be durable, applies them, publishes, and only then answers.
actor MetadataService {
    private var controller: ControllerStateMachine
    private var quorum: SingleVoterQuorum
    private let log: PartitionMetadataLog
    private let quorumStatePath: FilePath
    private let fileSystem: any LogFileSystem
    private let publish: @Sendable (MetadataImage) -> Void
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private var producerIds: ClosedRange<Int64>?
    private var nextProducerId: Int64 = 0
    nonisolated let cache: MetadataCache

    /// Opens the metadata log, persists a new quorum epoch, and replays every committed record.
    init(
        directory: FilePath, clusterId: String, config: BrokerConfig, fileSystem: any LogFileSystem, hadCleanShutdown: Bool,
        publish: @escaping @Sendable (MetadataImage) -> Void, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) throws {
        let logDirectory = directory.appending(PartitionMetadataLog.topicPartition.description)
        var logConfig = LogConfig()
        logConfig.retentionMs = -1
        let (partitionLog, report) = try PartitionLog.open(
            directory: logDirectory, topicPartition: PartitionMetadataLog.topicPartition, config: logConfig,
            fileSystem: fileSystem, options: .init(hadCleanShutdown: hadCleanShutdown), now: clock())
        if report.repairedAnything { logger.warning("metadata log recovered", metadata: ["report": "\(report)"]) }
        log = PartitionMetadataLog(log: partitionLog)
        quorumStatePath = logDirectory.appending("quorum-state")
        let stored = try fileSystem.readFileIfExists(at: quorumStatePath).flatMap { QuorumState(json: String(buffer: $0)) }
        quorum = SingleVoterQuorum(nodeId: config.nodeId, stored: stored, logEndOffset: partitionLog.logEndOffset)
        try fileSystem.writeFileAtomically(ByteBuffer(string: quorum.state.json), to: quorumStatePath)
        controller = ControllerStateMachine(
            clusterId: clusterId, nodeId: config.nodeId, staticBrokerConfigs: config.staticConfigs,
            placementSeed: UInt64.random(in: 0...UInt64.max))
        for (offset, value) in try log.read(from: 0, upTo: log.logEndOffset) {
            controller.replay(try MetadataRecordSerde.decode(value), offset: offset)
        }
        cache = MetadataCache(controller.image)
        self.fileSystem = fileSystem
        self.publish = publish
        self.clock = clock
        self.logger = logger
    }

    /// Formats an empty log with the bootstrap records and registers this broker (a new broker epoch
    /// on every start), then publishes the image.
    func start(nodeId: Int32, host: String, port: Int32) throws {
        if log.logEndOffset == 0 { try commit(controller.bootstrapRecords()) }
        try commit(
            controller.registerBroker(
                id: nodeId, incarnationId: KafkaUUID.random(), host: host, port: port, rack: nil, epoch: log.logEndOffset))
        logger.info(
            "metadata quorum ready",
            metadata: ["epoch": "\(quorum.epoch)", "offset": "\(controller.image.offset)", "topics": "\(controller.image.topicsByName.count)"])
    }

    /// Flushes and closes the metadata log (before the data directory's clean-shutdown marker is written).
    func close() throws {
        try log.log.close(now: clock())
    }

    var image: MetadataImage { controller.image }
    var quorumEpoch: Int32 { quorum.epoch }
    var configResolver: ConfigResolver { controller.configs }

    // MARK: Operations

    func createTopics(_ request: CreateTopicsRequest) -> CreateTopicsResponse {
        run(controller.createTopics(request), items: \.topics, code: \.errorCode, message: \.errorMessage)
    }

    func deleteTopics(_ request: DeleteTopicsRequest, version: Int16) -> DeleteTopicsResponse {
        run(controller.deleteTopics(request, version: version), items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    func createPartitions(_ request: CreatePartitionsRequest) -> CreatePartitionsResponse {
        run(controller.createPartitions(request), items: \.results, code: \.errorCode, message: \.errorMessage)
    }

    func incrementalAlterConfigs(_ request: IncrementalAlterConfigsRequest) -> IncrementalAlterConfigsResponse {
        run(controller.incrementalAlterConfigs(request), items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    func alterConfigs(_ request: AlterConfigsRequest) -> AlterConfigsResponse {
        run(controller.alterConfigs(request), items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    /// The next producer id for an idempotent producer, from this broker's block; a new block is
    /// reserved in the metadata log when the current one runs out, so ids are never reused.
    func allocateProducerId(nodeId: Int32) throws -> Int64 {
        if producerIds == nil || nextProducerId > producerIds!.upperBound {
            let epoch = controller.image.brokers[nodeId]?.epoch ?? -1
            let result = controller.allocateProducerIds(brokerId: nodeId, brokerEpoch: epoch)
            try commit(result.records)
            producerIds = result.response
            nextProducerId = result.response.lowerBound
        }
        defer { nextProducerId += 1 }
        return nextProducerId
    }

    // MARK: Committing

    /// Commits an operation's records; if the log refuses them, every item the answer reports as done
    /// (error code 0) reports the storage error instead.
    private func run<Response, Item>(
        _ result: ControllerResult<Response>, items: WritableKeyPath<Response, [Item]>, code: WritableKeyPath<Item, Int16>,
        message: WritableKeyPath<Item, String?>
    ) -> Response {
        var response = result.response
        do {
            try commit(result.records)
        } catch {
            logger.error("metadata log write failed", metadata: ["error": "\(error)"])
            for index in response[keyPath: items].indices where response[keyPath: items][index][keyPath: code] == 0 {
                response[keyPath: items][index][keyPath: code] = ErrorCode.kafkaStorageError.rawValue
                response[keyPath: items][index][keyPath: message] = "The metadata log could not be written: \(error)"
            }
        }
        return response
    }

    /// Appends records as one batch, waits until durable, applies them and publishes the image.
    private func commit(_ records: [any KafkaMetadataRecord]) throws {
        guard !records.isEmpty else { return }
        let values = try records.map { try MetadataRecordSerde.encode($0) }
        let first = try quorum.appendAndCommit(values, to: log, now: clock())
        for (index, record) in records.enumerated() { controller.replay(record, offset: first + Int64(index)) }
        cache.publish(controller.image)
        publish(controller.image)
    }
}
