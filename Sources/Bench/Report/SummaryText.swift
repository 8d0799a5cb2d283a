import Foundation

/// The lines a bench prints at the end: first the very lines Kafka's own tools print
/// (`kafka-producer-perf-test`, `kafka-consumer-perf-test`, `EndToEndLatency`), so figures compare
/// with theirs, then the HdrHistogram percentiles with microsecond precision.
public enum SummaryText {
    /// `kafka-producer-perf-test`'s final line (ProducerPerformance's `printTotal`).
    public static func producer(_ totals: LaneTotals) -> String {
        let latency = totals.latency
        return String(
            format: "%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.",
            totals.records, totals.recordsPerSecond, totals.megabytesPerSecond, latency?.mean ?? 0, latency?.max ?? 0,
            Int(latency?.p50 ?? 0), Int(latency?.p95 ?? 0), Int(latency?.p99 ?? 0), Int(latency?.p999 ?? 0))
    }

    /// `kafka-consumer-perf-test`'s header and line (ConsumerPerformance): times as
    /// `yyyy-MM-dd HH:mm:ss:SSS`; rebalance time is the wait for the first record (the group's join),
    /// fetch time the rest.
    public static func consumer(_ totals: LaneTotals, startWallNanos: Int64, firstRecordNanos: Int64?, endNanos: Int64) -> String {
        let megabytes = Double(totals.bytes) / 1_048_576
        let elapsed = Double(endNanos) / 1e9
        let rebalanceMs = (firstRecordNanos ?? 0) / 1_000_000
        let fetchSeconds = max(Double(endNanos - (firstRecordNanos ?? 0)) / 1e9, 1e-9)
        let header = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec"
        let line = String(
            format: "%@, %@, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f",
            timestamp(startWallNanos), timestamp(startWallNanos + endNanos), megabytes, megabytes / max(elapsed, 1e-9), totals.records,
            Double(totals.records) / max(elapsed, 1e-9), rebalanceMs, Int64(fetchSeconds * 1000), megabytes / fetchSeconds,
            Double(totals.records) / fetchSeconds)
        return header + "\n" + line
    }

    /// `EndToEndLatency`'s closing lines (its percentiles are whole milliseconds).
    public static func endToEnd(_ latency: LatencySummary) -> String {
        String(format: "Avg latency: %.4f ms\n\nPercentiles: 50th = %d, 99th = %d, 99.9th = %d", latency.mean, Int(latency.p50), Int(latency.p99), Int(latency.p999))
    }

    /// The HdrHistogram percentiles, one line.
    public static func percentiles(_ label: String, _ latency: LatencySummary) -> String {
        String(
            format: "%@ latency (ms): p50 %.3f, p90 %.3f, p99 %.3f, p99.9 %.3f, p99.99 %.3f, max %.3f (%llu samples)",
            label, latency.p50, latency.p90, latency.p99, latency.p999, latency.p9999, latency.max, latency.count)
    }

    /// The live line printed each second.
    public static func progress(_ second: BenchReport.Second) -> String {
        var parts = [String(format: "%4d s", second.second)]
        if let produced = second.produced { parts.append(lane("produced", produced)) }
        if let consumed = second.consumed { parts.append(lane("consumed", consumed)) }
        return parts.joined(separator: "  ")
    }

    private static func lane(_ name: String, _ stats: IntervalStats) -> String {
        var text = String(format: "%@ %8lld rec/s %7.2f MB/s", name, stats.records, stats.megabytes)
        if let latency = stats.latency { text += String(format: " p99 %7.2f ms", latency.p99) }
        if stats.errors > 0 { text += " errors \(stats.errors)" }
        if stats.warmup { text += " (warm-up)" }
        return text
    }

    static func timestamp(_ wallNanos: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss:SSS"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date(timeIntervalSince1970: Double(wallNanos) / 1e9))
    }
}
