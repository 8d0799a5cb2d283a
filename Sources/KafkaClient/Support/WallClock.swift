#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock in milliseconds since the Unix epoch, the unit of Kafka's record timestamps.
///
/// Record timestamps (CreateTime) and ListOffsets timestamps are wall-clock values; timeouts and
/// linger use NIO's monotonic `NIODeadline` instead.
enum WallClock {
    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
