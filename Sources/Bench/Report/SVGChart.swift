import Foundation

/// `--svg FILE`: the run over time in one picture. Above, throughput (records/s, produced and
/// consumed); below, latency percentiles per second on a log scale (end-to-end in an e2e run, else
/// to acknowledgement). Faults are grey bands with labels, brokers down are shaded from the kill or
/// pause to the restart or resume, and windows without any acknowledgement are red.
public enum SVGChart {
    static let width = 960.0
    static let left = 70.0
    static let right = 20.0
    static let throughputTop = 50.0
    static let panelHeight = 180.0
    static let latencyTop = 290.0
    static let height = 520.0

    public static func render(_ report: BenchReport) -> String {
        let seconds = max(report.series.last?.second ?? 1, 1)
        let plotWidth = width - left - right
        func x(_ second: Double) -> Double { left + plotWidth * min(max(second, 0), Double(seconds)) / Double(seconds) }

        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(left)\" y=\"22\" font-size=\"14\" font-weight=\"bold\">\(escape(title(report)))</text>",
        ]
        svg += bands(report, x: x)
        let throughput = report.series.map { (Double($0.second), Double($0.produced?.records ?? 0), Double($0.consumed?.records ?? 0)) }
        let maxRate = niceCeiling(throughput.map { max($0.1, $0.2) }.max() ?? 1)
        func yRate(_ value: Double) -> Double { throughputTop + panelHeight * (1 - value / maxRate) }
        svg += axes(top: throughputTop, label: "records/s", ticks: (0...4).map { maxRate * Double($0) / 4 }.map { ($0, yRate($0), count($0)) }, seconds: seconds, x: x)
        if report.produced != nil { svg.append(polyline(throughput.map { (x($0.0), yRate($0.1)) }, color: "#1f77b4", label: "produced")) }
        if report.consumed != nil { svg.append(polyline(throughput.map { (x($0.0), yRate($0.2)) }, color: "#2ca02c", label: "consumed")) }

        let latencies = report.series.compactMap { second -> (Double, LatencySummary)? in
            let stats = report.kind == "e2e" ? second.consumed : second.produced
            return stats?.latency.map { (Double(second.second), $0) }
        }
        let high = niceCeiling(latencies.map(\.1.max).max() ?? 1)
        let low = max(min(latencies.map(\.1.p50).min() ?? 0.1, high / 10), 0.01)
        let (logLow, logHigh) = (log10(low), log10(max(high, low * 10)))
        func yLatency(_ ms: Double) -> Double { latencyTop + panelHeight * (1 - (log10(max(ms, low)) - logLow) / (logHigh - logLow)) }
        let decades = stride(from: floor(logLow), through: ceil(logHigh), by: 1).map { pow(10, $0) }.filter { $0 >= low && $0 <= pow(10, logHigh) }
        let label = report.kind == "e2e" ? "end-to-end latency (ms)" : "latency to ack (ms)"
        svg += axes(top: latencyTop, label: label, ticks: decades.map { ($0, yLatency($0), milliseconds($0)) }, seconds: seconds, x: x)
        for (name, color, value) in [("p50", "#9467bd", \LatencySummary.p50), ("p99", "#ff7f0e", \.p99), ("max", "#d62728", \.max)] {
            svg.append(polyline(latencies.map { (x($0.0), yLatency($0.1[keyPath: value])) }, color: color, label: name))
        }
        svg += legend([("produced", "#1f77b4"), ("consumed", "#2ca02c")].filter { $0.0 == "produced" ? report.produced != nil : report.consumed != nil }, y: throughputTop - 8)
        svg += legend([("p50", "#9467bd"), ("p99", "#ff7f0e"), ("max", "#d62728")], y: latencyTop - 8)
        svg.append("<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">seconds since the start</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func title(_ report: BenchReport) -> String {
        var parts = ["gregor bench \(report.kind)", report.topic]
        if let rate = report.settings["rate"], rate != "unlimited" { parts.append("\(rate) rec/s") }
        if let acks = report.settings["acks"] { parts.append("acks=\(acks)") }
        return parts.joined(separator: " · ")
    }

    /// Fault bands and labels, brokers-down shading, and unavailability windows, behind the lines.
    static func bands(_ report: BenchReport, x: (Double) -> Double) -> [String] {
        var shapes: [String] = []
        let bottom = latencyTop + panelHeight
        for window in report.verification?.unavailability ?? [] {
            let (from, to) = (x(Double(window.startMs) / 1000), x(Double(window.endMs) / 1000))
            shapes.append("<rect x=\"\(f(from))\" y=\"\(throughputTop)\" width=\"\(f(max(to - from, 1)))\" height=\"\(f(bottom - throughputTop))\" fill=\"#d62728\" fill-opacity=\"0.12\"><title>no acknowledgement for \(window.durationMs) ms</title></rect>")
        }
        var downSince: [Int32: Int64] = [:]
        var isolated: Set<Int32> = []
        let end = Int64((report.series.last?.second ?? 0) * 1000)
        var spans: [(node: Int32, from: Int64, to: Int64)] = []
        for event in report.faults {
            for node in event.nodes ?? [] {
                switch event.fault {
                case "kill", "pause", "isolate", "disk-full":
                    downSince[node] = downSince[node] ?? event.timeMs
                    if event.fault == "isolate" { isolated.insert(node) }
                case "restart", "resume", "heal":
                    // heal brings back an isolated broker; one stopped by a full disk needs its restart.
                    if event.fault == "heal", isolated.remove(node) == nil { break }
                    isolated.remove(node)
                    if let since = downSince.removeValue(forKey: node) { spans.append((node, since, event.timeMs + (event.durationMs ?? 0))) }
                default: break
                }
            }
        }
        spans += downSince.map { ($0.key, $0.value, end) }
        for span in spans.sorted(by: { $0.from < $1.from }) {
            let (from, to) = (x(Double(span.from) / 1000), x(Double(span.to) / 1000))
            shapes.append("<rect x=\"\(f(from))\" y=\"\(throughputTop)\" width=\"\(f(max(to - from, 1)))\" height=\"\(f(bottom - throughputTop))\" fill=\"#7f7f7f\" fill-opacity=\"0.12\"><title>broker \(span.node) down or cut off</title></rect>")
        }
        for (index, event) in report.faults.enumerated() {
            let from = x(Double(event.timeMs) / 1000)
            let to = x(Double(event.timeMs + (event.durationMs ?? 0)) / 1000)
            shapes.append("<rect x=\"\(f(from))\" y=\"\(throughputTop)\" width=\"\(f(max(to - from, 2)))\" height=\"\(f(bottom - throughputTop))\" fill=\"#555\" fill-opacity=\"0.35\"/>")
            let labelY = throughputTop + 12 + Double(index % 4) * 13
            shapes.append("<text x=\"\(f(from + 4))\" y=\"\(f(labelY))\" fill=\"#333\">\(escape(event.action))</text>")
        }
        return shapes
    }

    static func axes(top: Double, label: String, ticks: [(Double, Double, String)], seconds: Int, x: (Double) -> Double) -> [String] {
        let bottom = top + panelHeight
        var lines = [
            "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width - right)\" y2=\"\(bottom)\" stroke=\"#333\"/>",
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"#333\"/>",
            "<text x=\"14\" y=\"\(f(top + panelHeight / 2))\" transform=\"rotate(-90 14 \(f(top + panelHeight / 2)))\" text-anchor=\"middle\">\(escape(label))</text>",
        ]
        for (_, y, text) in ticks {
            lines.append("<line x1=\"\(left)\" y1=\"\(f(y))\" x2=\"\(width - right)\" y2=\"\(f(y))\" stroke=\"#ddd\"/>")
            lines.append("<text x=\"\(left - 6)\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(text)</text>")
        }
        let step = max(1, Int((Double(seconds) / 10).rounded(.up)))
        for second in stride(from: 0, through: seconds, by: step) {
            lines.append("<text x=\"\(f(x(Double(second))))\" y=\"\(f(bottom + 14))\" text-anchor=\"middle\">\(second)</text>")
        }
        return lines
    }

    static func polyline(_ points: [(Double, Double)], color: String, label: String) -> String {
        let coordinates = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(coordinates)\"><title>\(label)</title></polyline>"
    }

    static func legend(_ entries: [(String, String)], y: Double) -> [String] {
        var x = width - right - Double(entries.count) * 80
        return entries.flatMap { entry -> [String] in
            defer { x += 80 }
            return [
                "<line x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 18))\" y2=\"\(f(y - 4))\" stroke=\"\(entry.1)\" stroke-width=\"2\"/>",
                "<text x=\"\(f(x + 22))\" y=\"\(f(y))\">\(entry.0)</text>",
            ]
        }
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= value } ?? 10 * power
    }

    static func count(_ value: Double) -> String {
        value >= 1_000_000 ? "\(f(value / 1_000_000))M" : value >= 1000 ? "\(f(value / 1000))k" : f(value)
    }

    static func milliseconds(_ value: Double) -> String { value >= 1 ? "\(Int(value))" : f(value) }

    static func f(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
