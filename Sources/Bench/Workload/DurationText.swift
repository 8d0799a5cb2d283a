extension Duration {
    /// Parses `500ms`, `30s`, `2m`, `1h`, or a plain number of seconds (`1.5`).
    public init(benchText text: String) throws(BenchError) {
        let trimmed = text.trimmingSpaces.lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = trimmed
        var scale = 1.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = String(trimmed.dropLast(unit.suffix.count))
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite else {
            throw BenchError("'\(text)' is not a duration (say 500ms, 30s, 2m or 1h)")
        }
        self = .nanoseconds(Int64(value * scale * 1e9))
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
