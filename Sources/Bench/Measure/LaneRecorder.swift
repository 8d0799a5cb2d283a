import Synchronization

/// One second of a lane (produced or consumed records): counts, bytes and latencies.
public struct IntervalStats: Sendable, Codable, Hashable {
    /// Seconds since the run began at the end of this interval.
    public var second: Int
    /// Whether the interval lay (partly) in the warm-up, which the totals leave out.
    public var warmup: Bool
    public var records: Int64
    public var bytes: Int64
    public var errors: Int64
    public var latency: LatencySummary?

    public init(second: Int, warmup: Bool, records: Int64, bytes: Int64, errors: Int64, latency: LatencySummary?) {
        self.second = second
        self.warmup = warmup
        self.records = records
        self.bytes = bytes
        self.errors = errors
        self.latency = latency
    }

    public var megabytes: Double { Double(bytes) / 1_048_576 }
}

/// The totals of a lane over the measured part of a run (after the warm-up).
public struct LaneTotals: Sendable, Codable, Hashable {
    public var records: Int64
    public var bytes: Int64
    public var errors: Int64
    /// Seconds from the end of the warm-up to the last record.
    public var seconds: Double
    public var latency: LatencySummary?
    /// The first error messages, for the report.
    public var firstErrors: [String]

    public init(records: Int64, bytes: Int64, errors: Int64, seconds: Double, latency: LatencySummary?, firstErrors: [String]) {
        self.records = records
        self.bytes = bytes
        self.errors = errors
        self.seconds = seconds
        self.latency = latency
        self.firstErrors = firstErrors
    }

    public var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0 }
}

/// Counts one lane of a running bench (acknowledged produces, or consumed records), per second and
/// in total, from any thread: producer callbacks run on event loops, consumers in tasks. One lock,
/// uncontended in the common case; what is recorded in the warm-up counts per second but not in
/// the totals.
public final class LaneRecorder: Sendable {
    private struct State {
        var interval = LatencyHistogram()
        var intervalRecords: Int64 = 0
        var intervalBytes: Int64 = 0
        var intervalErrors: Int64 = 0
        var intervalInWarmup = false
        var total = LatencyHistogram()
        var records: Int64 = 0
        var bytes: Int64 = 0
        var errors: Int64 = 0
        var firstErrors: [String] = []
        var lastRecordNanos: Int64 = 0
        var allRecords: Int64 = 0
    }

    private let state = Mutex(State())
    /// Nanoseconds into the run when the warm-up ends.
    public let warmupNanos: Int64

    public init(warmupNanos: Int64) {
        self.warmupNanos = warmupNanos
    }

    /// A record begun at `startedNanos` (sent, or fetched) and done at `nowNanos`, in run time;
    /// `latencyNanos` is nil where the lane measures none. Records begun in the warm-up count only
    /// per second.
    public func record(bytes: Int, latencyNanos: Int64?, startedNanos: Int64, nowNanos: Int64) {
        state.withLock { state in
            state.intervalRecords += 1
            state.allRecords += 1
            state.intervalBytes += Int64(bytes)
            if let latencyNanos { state.interval.record(nanoseconds: latencyNanos) }
            guard startedNanos >= warmupNanos else {
                state.intervalInWarmup = true
                return
            }
            state.records += 1
            state.bytes += Int64(bytes)
            if let latencyNanos { state.total.record(nanoseconds: latencyNanos) }
            state.lastRecordNanos = Swift.max(state.lastRecordNanos, nowNanos)
        }
    }

    /// A failed record (a send the client gave up on, a consumer error).
    public func recordError(_ message: String, nowNanos: Int64) {
        state.withLock { state in
            state.intervalErrors += 1
            if nowNanos >= warmupNanos { state.errors += 1 }
            if state.firstErrors.count < 5, !state.firstErrors.contains(message) { state.firstErrors.append(message) }
        }
    }

    /// The interval since the last call, ending at `second` seconds into the run; starts the next.
    public func takeInterval(second: Int) -> IntervalStats {
        state.withLock { state in
            let stats = IntervalStats(
                second: second, warmup: state.intervalInWarmup || Int64(second) * 1_000_000_000 <= warmupNanos,
                records: state.intervalRecords, bytes: state.intervalBytes, errors: state.intervalErrors,
                latency: state.interval.summary)
            state.interval.reset()
            state.intervalRecords = 0
            state.intervalBytes = 0
            state.intervalErrors = 0
            state.intervalInWarmup = false
            return stats
        }
    }

    /// The lane's totals after the warm-up; `endNanos` ends the measured time when given (else the
    /// last record's time).
    public func totals(endNanos: Int64? = nil) -> LaneTotals {
        state.withLock { state in
            let end = endNanos ?? state.lastRecordNanos
            return LaneTotals(
                records: state.records, bytes: state.bytes, errors: state.errors,
                seconds: Double(Swift.max(end - warmupNanos, 0)) / 1e9, latency: state.total.summary, firstErrors: state.firstErrors)
        }
    }

    /// Records counted so far, the warm-up's included.
    public var allRecords: Int64 { state.withLock { $0.allRecords } }
}
