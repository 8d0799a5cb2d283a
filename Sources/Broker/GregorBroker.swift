import LogStorage
import Logging
import NIOPosix
import ServiceLifecycle

/// One Gregor broker process: the broker's parts (`BrokerStack`) over the real file system, behind the
/// Kafka listener, with the metadata quorum, the periodic log work and the group timers, run as
/// services of one `ServiceGroup` that stops cleanly on SIGTERM or SIGINT (partition leadership moved
/// to other brokers, leadership of the quorum handed over, checkpoints written, clean-shutdown marker
/// left).
public final class GregorBroker: Sendable {
    public let config: BrokerConfig
    private let logger: Logger

    public init(config: BrokerConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Starts the broker and runs until a signal stops it. `onReady` gets the bound port once the broker
    /// has joined the metadata quorum and is registered, so clients can use it.
    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let faults = config.faultsEnabled ? try BrokerFaults(dataDirectory: config.dataDirectory, logger: logger) : nil
        let stack = try await BrokerStack.open(
            config: config, fileSystem: fileSystem(faults: faults), logger: logger, startMetadata: false, faults: faults)
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = BrokerServer(
            host: config.listenHost, port: config.listenPort, router: stack.router, maximumFrameSize: config.maximumRequestSize,
            group: MultiThreadedEventLoopGroup.singleton, logger: logger,
            onBound: { port in
                boundContinuation.yield(port)
                boundContinuation.finish()
            })
        let maintenance = LogMaintenance(
            logManager: stack.logManager, retentionIntervalMs: config.retentionCheckIntervalMs, clock: WallClock.milliseconds,
            logger: logger)
        let groupTimers = GroupTimers(groups: stack.groups, clock: WallClock.milliseconds)
        let quorum = MetadataQuorumService(
            metadata: stack.metadata, advertisedHost: config.advertisedHost,
            advertisedPort: config.advertisedPort == 0 ? nil : config.advertisedPort, bound: bound, onReady: onReady)
        let replication = ReplicationService(
            nodeId: config.nodeId, replicas: stack.replicas, metadata: stack.metadata, isrChanges: stack.context.alterPartitions,
            config: config, logger: logger, faults: faults)
        let lifecycle = BrokerLifecycleService(
            metadata: stack.metadata, heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
            sessionTimeoutMs: config.brokerSessionTimeoutMs, logger: logger)
        // Services stop in reverse order: the controlled shutdown first, the listener last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: server), .init(service: quorum), .init(service: replication), .init(service: maintenance),
            .init(service: groupTimers), .init(service: lifecycle),
        ]
        if let adminHost = config.adminHost, let adminPort = config.adminPort {
            services.insert(
                .init(service: AdminServer(host: adminHost, port: adminPort, metrics: stack.context.metrics, faults: faults, logger: logger)),
                at: 0)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("broker stopped with an error", metadata: ["error": "\(error)"])
            try? await stack.close()
            throw error
        }
        try await stack.close()
        logger.info("broker stopped cleanly")
    }

    /// The real file system, with the disk faults when fault injection is on, watched for the failed
    /// write that takes the log directory offline.
    private func fileSystem(faults: BrokerFaults?) -> any LogFileSystem {
        let failure = LogDirectoryFailure(directory: config.dataDirectory, logger: logger)
        let base: any LogFileSystem = faults.map { FaultyLogFileSystem(base: PosixLogFileSystem(), faults: $0) } ?? PosixLogFileSystem()
        return LogDirectoryFailureWatch(base: base, onFailure: failure.report)
    }
}
