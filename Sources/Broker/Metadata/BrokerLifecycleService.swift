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
        let image = await metadata.image
        let successors = image.brokers.values.filter { $0.id != metadata.nodeId && !$0.fenced && !$0.inControlledShutdown }
        guard !successors.isEmpty else {
            // The last broker standing: nobody could take its leaderships (and without the others the
            // quorum may not commit anything); it registers again, and leads again, when restarted.
            logger.info("controlled shutdown skipped: no other active broker to take over")
            return
        }
        logger.info("controlled shutdown: asking the controller to move this broker's leaderships away")
        let deadline = ContinuousClock.now + .milliseconds(sessionTimeoutMs)
        var lastProblem = "no answer yet"
        while ContinuousClock.now < deadline {
            do {
                let answer = try await metadata.heartbeat(wantShutDown: true)
                if answer.errorCode != 0 { throw HeartbeatRefused(code: ErrorCode(answer.errorCode)) }
                if answer.shouldShutDown {
                    logger.info("controlled shutdown complete: the controller let this broker stop")
                    return
                }
                lastProblem = "the controller is still moving leaderships"
            } catch {
                lastProblem = "\(error)"
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        logger.warning(
            "controlled shutdown timed out after \(sessionTimeoutMs) ms (broker.session.timeout.ms); stopping anyway",
            metadata: ["lastProblem": "\(lastProblem)"])
    }
}

/// The controller answered a heartbeat with an error code.
struct HeartbeatRefused: Error, CustomStringConvertible {
    let code: ErrorCode
    var description: String { "the controller answered \(code)" }
}
