import Foundation

/// `gregor bench compare A.json B.json`: two reports side by side, each figure with the ratio B/A, so
/// that a change of settings, broker or build shows in one table.
public enum ReportComparison {
    public static func read(_ path: String) throws -> BenchReport {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
        do {
            return try JSONDecoder().decode(BenchReport.self, from: data)
        } catch {
            throw BenchError("\(path) is not a gregor bench report (written with --json): \(error)")
        }
    }

    /// The table's lines: a header, then one row per figure both reports have.
    public static func lines(_ a: BenchReport, _ b: BenchReport, names: (String, String)) -> [String] {
        var rows: [(String, Double, Double, Bool)] = []  // label, a, b, higher is better
        func lane(_ name: String, _ x: LaneTotals?, _ y: LaneTotals?, latencyLabel: String) {
            guard let x, let y else { return }
            rows.append(("\(name) records/s", x.recordsPerSecond, y.recordsPerSecond, true))
            rows.append(("\(name) MB/s", x.megabytesPerSecond, y.megabytesPerSecond, true))
            rows.append(("\(name) errors", Double(x.errors), Double(y.errors), false))
            guard let p = x.latency, let q = y.latency else { return }
            for (label, path) in [("p50", \LatencySummary.p50), ("p99", \.p99), ("p99.9", \.p999), ("max", \.max)] {
                rows.append(("\(latencyLabel) \(label) ms", p[keyPath: path], q[keyPath: path], false))
            }
        }
        lane("produced", a.produced, b.produced, latencyLabel: "produce latency")
        lane("consumed", a.consumed, b.consumed, latencyLabel: a.kind == "e2e" ? "end-to-end latency" : "consume latency")
        if let x = a.verification, let y = b.verification {
            rows.append(("lost records", Double(x.lost), Double(y.lost), false))
        }
        let width = max(rows.map(\.0.count).max() ?? 0, 6)
        func pad(_ text: String, _ count: Int) -> String { text.count >= count ? text : text + String(repeating: " ", count: count - text.count) }
        func left(_ text: String, _ count: Int) -> String { text.count >= count ? text : String(repeating: " ", count: count - text.count) + text }
        var lines = [
            "A: \(names.0) (\(a.kind), \(a.topic), \(a.startedAt))",
            "B: \(names.1) (\(b.kind), \(b.topic), \(b.startedAt))",
        ]
        if a.kind != b.kind { lines.append("note: the reports are of different benches (\(a.kind) and \(b.kind))") }
        lines.append(pad("", width) + left("A", 14) + left("B", 14) + left("B/A", 9))
        for (label, x, y, higherIsBetter) in rows {
            let ratio = x != 0 ? String(format: "%.2f", y / x) : (y == 0 ? "=" : "-")
            let better = x == y || x == 0 ? "" : ((y > x) == higherIsBetter ? "  better" : "  worse")
            lines.append(pad(label, width) + left(figure(x), 14) + left(figure(y), 14) + left(ratio, 9) + better)
        }
        return lines
    }

    static func figure(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : value >= 1 ? String(format: "%.2f", value) : String(format: "%.3f", value)
    }
}
