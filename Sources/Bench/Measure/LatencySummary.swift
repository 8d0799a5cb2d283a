import Histogram

/// Latency percentiles of a run, or of one second of it, in milliseconds: the figures a report prints.
public struct LatencySummary: Sendable, Codable, Hashable {
    public var count: UInt64
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var p9999: Double
    public var max: Double

    public init(count: UInt64, mean: Double, p50: Double, p90: Double, p95: Double, p99: Double, p999: Double, p9999: Double, max: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.p999 = p999
        self.p9999 = p9999
        self.max = max
    }
}

/// An HdrHistogram of latencies in microseconds, from 1 µs to an hour with three significant digits.
struct LatencyHistogram: Sendable {
    private(set) var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)

    var count: UInt64 { histogram.totalCount }

    mutating func record(nanoseconds: Int64) {
        let micros = UInt64(Swift.max(1, Swift.min(nanoseconds / 1000, 3_600_000_000)))
        _ = histogram.record(micros)
    }

    mutating func add(_ other: LatencyHistogram) { histogram.add(other.histogram) }

    mutating func reset() { histogram.reset() }

    /// The summary, or nil when nothing was recorded.
    var summary: LatencySummary? {
        guard histogram.totalCount > 0 else { return nil }
        func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        return LatencySummary(
            count: histogram.totalCount, mean: histogram.mean / 1000, p50: ms(50), p90: ms(90), p95: ms(95), p99: ms(99),
            p999: ms(99.9), p9999: ms(99.99), max: Double(histogram.max) / 1000)
    }
}
