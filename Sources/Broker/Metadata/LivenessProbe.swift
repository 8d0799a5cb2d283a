import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells a dead broker from a slow one without waiting for a timeout: a TCP connect to its port that is
/// refused outright (ECONNREFUSED) means no process listens there, so the broker is gone, while a
/// paused or overloaded broker still accepts connections (the kernel completes the handshake). Used by
/// the controller for a broker that missed heartbeats, and by a quorum follower whose leader's
/// connection broke (a Gregor addition, `broker.liveness.probe.enable`; Kafka waits for
/// `broker.session.timeout.ms` and `controller.quorum.fetch.timeout.ms`).
enum LivenessProbe {
    /// Whether a connect to `host:port` is refused; false when it succeeds, times out, or fails otherwise.
    static func isRefused(host: String, port: Int, timeout: TimeAmount = .seconds(1)) async -> Bool {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(timeout)
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return false
        } catch let error as NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefusal($0.error) }
        } catch {
            return isRefusal(error)
        }
    }

    private static func isRefusal(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == ECONNREFUSED
    }
}
