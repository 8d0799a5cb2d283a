import Foundation
import NIOCore

/// The run's time: monotonic nanoseconds since the run began, and the wall-clock time they map to.
/// Record stamps carry wall-clock nanoseconds derived from this clock, so a consumer in the same
/// process measures end-to-end latency exactly, and one elsewhere on the machine nearly so.
public struct BenchClock: Sendable {
    private let startUptime: UInt64
    /// Wall-clock nanoseconds since the Unix epoch when the run began.
    public let startWallNanos: Int64

    public init() {
        startUptime = NIODeadline.now().uptimeNanoseconds
        startWallNanos = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
    }

    /// Nanoseconds since the run began.
    public var elapsedNanos: Int64 { Int64(NIODeadline.now().uptimeNanoseconds - startUptime) }

    /// Milliseconds since the run began.
    public var elapsedMillis: Int64 { elapsedNanos / 1_000_000 }

    /// Wall-clock nanoseconds of a moment `elapsed` nanoseconds into the run.
    public func wallNanos(atElapsed elapsed: Int64) -> Int64 { startWallNanos + elapsed }

    /// Wall-clock nanoseconds now, on this clock.
    public var wallNanosNow: Int64 { wallNanos(atElapsed: elapsedNanos) }

    /// Sleeps until `elapsed` nanoseconds into the run.
    public func sleep(untilElapsed elapsed: Int64) async throws {
        let wait = elapsed - elapsedNanos
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait)) }
    }
}
