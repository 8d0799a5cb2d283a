import Controller
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SystemPackage

/// One Gregor broker process, composed: storage, the metadata quorum and controller, the partitions,
/// the Kafka listener and the periodic log work, run as services of one `ServiceGroup` that stops
/// cleanly on SIGTERM or SIGINT (checkpoints written, clean-shutdown marker left).
public final class GregorBroker: Sendable {
    public let config: BrokerConfig
    private let logger: Logger

    public init(config: BrokerConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Starts the broker and runs until a signal stops it. `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try config.validate()
        let fileSystem = PosixLogFileSystem()
        let directory = FilePath(config.dataDirectory)
        let meta = try MetaProperties.loadOrFormat(
            directory: directory, nodeId: config.nodeId, fileSystem: fileSystem, newId: { KafkaUUID.random().base64 })
        let (logManager, report) = try LogManager.open(dataDirectory: directory, fileSystem: fileSystem, now: WallClock.milliseconds())
        log(report)
        let replicas = ReplicaManager(nodeId: config.nodeId, logManager: logManager, logger: logger, clock: WallClock.milliseconds)
        let config = self.config
        let metadata = try MetadataService(
            directory: directory, clusterId: meta.clusterId, config: config, fileSystem: fileSystem,
            publish: { image in
                replicas.apply(image, configs: ConfigResolver(nodeId: config.nodeId, staticBrokerConfigs: config.properties, image: image))
            },
            clock: WallClock.milliseconds, logger: logger)
        try await metadata.start(nodeId: config.nodeId, host: config.advertisedHost, port: Int32(config.advertisedPort))
        let context = BrokerContext(
            config: config, metadata: metadata.cache, controller: metadata, replicas: replicas, clock: WallClock.milliseconds,
            logger: logger)
        let server = BrokerServer(
            host: config.listenHost, port: config.listenPort, router: Self.router(context, logger: logger),
            maximumFrameSize: config.maximumRequestSize, group: MultiThreadedEventLoopGroup.singleton, logger: logger,
            onBound: onListening)
        let maintenance = LogMaintenance(
            logManager: logManager, retentionIntervalMs: config.retentionCheckIntervalMs, clock: WallClock.milliseconds, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server), .init(service: maintenance)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("broker stopped with an error", metadata: ["error": "\(error)"])
            try? logManager.close(now: WallClock.milliseconds())
            throw error
        }
        try logManager.close(now: WallClock.milliseconds())
        logger.info("broker stopped cleanly")
    }

    /// Every API Gregor serves, one handler each; ApiVersions is built from the others.
    static func router(_ broker: BrokerContext, logger: Logger) -> RequestRouter {
        var router = RequestRouter(logger: logger)
        router.register(ProduceHandler(broker: broker))
        router.register(FetchHandler(broker: broker))
        router.register(ListOffsetsHandler(broker: broker))
        router.register(MetadataHandler(broker: broker))
        router.register(CreateTopicsHandler(broker: broker))
        router.register(DeleteTopicsHandler(broker: broker))
        router.register(InitProducerIdHandler(broker: broker))
        router.register(DescribeConfigsHandler(broker: broker))
        router.register(AlterConfigsHandler(broker: broker))
        router.register(CreatePartitionsHandler(broker: broker))
        router.register(IncrementalAlterConfigsHandler(broker: broker))
        router.register(DescribeClusterHandler(broker: broker))
        let own = ApiVersionsResponse.ApiVersion(
            apiKey: ApiKey.apiVersions.rawValue, minVersion: ApiVersionsHandler.versions.lowerBound,
            maxVersion: ApiVersionsHandler.versions.upperBound)
        router.register(ApiVersionsHandler(apiKeys: (router.apiVersionsList() + [own]).sorted { $0.apiKey < $1.apiKey }))
        return router
    }

    private func log(_ report: LogManager.OpenReport) {
        for warning in report.warnings { logger.warning("\(warning)") }
        for partition in report.partitions where partition.repairedAnything {
            logger.warning(
                "recovered \(partition.topicPartition)",
                metadata: [
                    "truncations": "\(partition.truncations.map { "\($0.segmentBaseOffset): \($0.truncatedBytes) bytes (\($0.reason))" })",
                    "deletedSegments": "\(partition.deletedSegments)", "logEndOffset": "\(partition.logEndOffset)",
                ])
        }
        logger.info(
            "opened data directory",
            metadata: ["partitions": "\(report.partitions.count)", "cleanShutdown": "\(report.hadCleanShutdown)"])
    }
}
