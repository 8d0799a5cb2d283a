import LogStorage
import Logging
import NIOPosix
import ServiceLifecycle

/// One Gregor broker process: the broker's parts (`BrokerStack`) over the real file system, behind the
/// Kafka listener, with the periodic log work, run as services of one `ServiceGroup` that stops
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
        let stack = try await BrokerStack.open(config: config, fileSystem: PosixLogFileSystem(), logger: logger)
        let server = BrokerServer(
            host: config.listenHost, port: config.listenPort, router: stack.router, maximumFrameSize: config.maximumRequestSize,
            group: MultiThreadedEventLoopGroup.singleton, logger: logger, onBound: onListening)
        let maintenance = LogMaintenance(
            logManager: stack.logManager, retentionIntervalMs: config.retentionCheckIntervalMs, clock: WallClock.milliseconds,
            logger: logger)
        let groupTimers = GroupTimers(groups: stack.groups, clock: WallClock.milliseconds)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server), .init(service: maintenance), .init(service: groupTimers)],
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
}
