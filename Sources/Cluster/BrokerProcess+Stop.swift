import Foundation

extension BrokerProcess {
    /// How a stop went.
    public enum StopResult: Sendable, Hashable {
        /// It exited on SIGTERM, after this long.
        case stopped(Duration)
        /// It ignored SIGTERM for the whole grace period and was killed with SIGKILL.
        case killed
        /// It was already gone.
        case notRunning
        /// It survived even SIGKILL (stuck in the kernel, say): the caller must report it.
        case survived
    }

    /// How long `stop` waits after SIGTERM before SIGKILL (Kafka's controlled shutdown takes seconds, not minutes).
    public static let stopGrace: Duration = .seconds(15)

    /// Stops the broker cleanly: SIGTERM (and SIGCONT, so that a paused broker wakes to handle it), up to
    /// `grace` for it to exit, then SIGKILL.
    public func stop(grace: Duration = Self.stopGrace) async -> StopResult {
        await Self.stop([self], grace: grace)[0]
    }

    /// Stops several brokers at once (all get SIGTERM first, then all wait), in the order given.
    public static func stop(_ processes: [BrokerProcess], grace: Duration = Self.stopGrace) async -> [StopResult] {
        let started = ContinuousClock.now
        var results = [StopResult?](repeating: nil, count: processes.count)
        for (index, process) in processes.enumerated() {
            if !process.send(SIGTERM) {
                results[index] = .notRunning
                continue
            }
            process.send(SIGCONT)
        }
        for (index, process) in processes.enumerated() where results[index] == nil {
            let remaining = grace - (ContinuousClock.now - started)
            if await process.waitUntilGone(timeout: max(remaining, .zero)) {
                results[index] = .stopped(ContinuousClock.now - started)
            }
        }
        for (index, process) in processes.enumerated() where results[index] == nil {
            process.send(SIGKILL)
            results[index] = await process.waitUntilGone(timeout: .seconds(5)) ? .killed : .survived
        }
        return results.map { $0 ?? .notRunning }
    }
}

