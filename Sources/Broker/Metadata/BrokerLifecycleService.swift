import KafkaProtocol
import Logging
import ServiceLifecycle

/// Keeps this broker's session with the controller alive, and shuts it down in a controlled way (Kafka's
/// `BrokerLifecycleManager`). Once registered it heartbeats every `broker.heartbeat.interval.ms`
/// (every 100 ms while fenced, to be unfenced soon after it catches up). On SIGTERM it heartbeats
/// `wantShutDown` until the controller has moved its leaderships to other brokers and says it may
/// stop, so clients fail over before its listener closes; it gives up after
/// `broker.session.timeout.ms`, after which the controller would fence it anyway.
///
/// Registered last in the broker's service group, so it is the first to hear of a shutdown while
/// the listener, the follower fetchers and the quorum still run.
struct BrokerLifecycleService: Service {
    let metadata: MetadataService
    let heartbeatIntervalMs: Int64
    let sessionTimeoutMs: Int64
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await heartbeatUntilCancelled()
        }
        guard !Task.isCancelled else { return }
        await shutDownInControl()
    }

    private func heartbeatUntilCancelled() async {
        var failures = 0
        while !Task.isCancelled {
            var fenced = true
            if await metadata.registeredEpoch != nil {
                do {
                    let answer = try await metadata.heartbeat()
                    if answer.errorCode != 0 { throw HeartbeatRefused(code: ErrorCode(answer.errorCode)) }
                    if failures > 0 { logger.info("heartbeats reach the controller again") }
                    failures = 0
                    fenced = answer.isFenced
                } catch {
                    failures += 1
                    if failures == 1 { logger.warning("heartbeat to the controller failed: \(error); retrying") }
                }
            }
            let pause = fenced || failures > 0 ? min(100, heartbeatIntervalMs) : heartbeatIntervalMs
            try? await Task.sleep(for: .milliseconds(pause))
        }
    }

    /// Asks the controller to move this broker's leaderships away and waits until it says the broker
    /// may stop.
    private func shutDownInControl() async {
        guard await metadata.registeredEpoch != nil else { return }
        logger.info("controlled shutdown: asking the controller to move this broker's leaderships away")
        let deadline = ContinuousClock.now + .milliseconds(sessionTimeoutMs)
        while ContinuousClock.now < deadline {
            if let answer = try? await metadata.heartbeat(wantShutDown: true), answer.errorCode == 0, answer.shouldShutDown {
                logger.info("controlled shutdown complete: the controller let this broker stop")
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        logger.warning("controlled shutdown timed out after \(sessionTimeoutMs) ms (broker.session.timeout.ms); stopping anyway")
    }
}

/// The controller answered a heartbeat with an error code.
struct HeartbeatRefused: Error, CustomStringConvertible {
    let code: ErrorCode
    var description: String { "the controller answered \(code)" }
}
