import LogStorage
import Logging
import ServiceLifecycle

/// The broker's periodic log work, as Kafka's LogManager schedules it: retention every
/// `log.retention.check.interval.ms`, time-based flushes (`flush.ms`) every second, and the
/// recovery-point and high-watermark checkpoints every minute.
struct LogMaintenance: Service {
    let logManager: LogManager
    let retentionIntervalMs: Int64
    let clock: @Sendable () -> Int64
    let logger: Logger

    static let flushCheckIntervalMs: Int64 = 1000
    static let checkpointIntervalMs: Int64 = 60_000

    func run() async throws {
        var nextRetention = clock() + retentionIntervalMs
        var nextCheckpoint = clock() + Self.checkpointIntervalMs
        while !Task.isCancelledOrShuttingDown {
            try? await Task.sleep(for: .milliseconds(Self.flushCheckIntervalMs))
            let now = clock()
            for (partition, error) in logManager.flushDueLogs(now: now) {
                logger.error("flush failed", metadata: ["partition": "\(partition)", "error": "\(error)"])
            }
            if now >= nextRetention {
                runRetention(now: now)
                nextRetention = now + retentionIntervalMs
            }
            if now >= nextCheckpoint {
                do { try logManager.writeCheckpoints() } catch { logger.error("checkpoint failed", metadata: ["error": "\(error)"]) }
                nextCheckpoint = now + Self.checkpointIntervalMs
            }
        }
    }

    func runRetention(now: Int64) {
        for (partition, result) in logManager.deleteOldSegments(now: now) {
            switch result {
            case .success(let retention) where !retention.deletedSegments.isEmpty:
                logger.info(
                    "retention deleted segments",
                    metadata: ["partition": "\(partition)", "segments": "\(retention.deletedSegments)", "logStartOffset": "\(retention.logStartOffset)"])
            case .failure(let error):
                logger.error("retention failed", metadata: ["partition": "\(partition)", "error": "\(error)"])
            default:
                break
            }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the service should stop: cancelled, or the service group is shutting down.
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
