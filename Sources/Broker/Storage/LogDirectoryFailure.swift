import Foundation
import LogStorage
import Logging
import Synchronization

/// What the broker does when a write to its log directory fails (a full disk, a dying one): as Kafka
/// does with its only log directory, it stops serving it and halts the process, with Kafka's log lines.
/// The request whose write failed is still answered KAFKA_STORAGE_ERROR: the halt waits a moment for
/// that answer to leave. The controller then fences the broker after `broker.session.timeout.ms` and
/// moves its partitions' leadership, as after a crash.
final class LogDirectoryFailure: Sendable {
    private let directory: String
    private let logger: Logger
    private let failed = Atomic(false)

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    /// How long the halt waits for answers already on their way.
    static let graceMs: UInt32 = 200

    /// Takes the log directory offline and halts the process, once.
    func report(_ error: LogStorageError) {
        guard !failed.exchange(true, ordering: .relaxed) else { return }
        logger.error("Stopping serving logs in dir \(directory)", metadata: ["error": "\(error)"])
        logger.critical("Shutdown broker because all log dirs in \(directory) have failed")
        Thread.detachNewThread {
            usleep(Self.graceMs * 1000)
            fflush(nil)
            _exit(1)
        }
    }
}
