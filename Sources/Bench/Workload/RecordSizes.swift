/// The sizes of the values a bench produces: one size, a uniform range, or weighted choices.
///
/// Text forms (`--record-size`): `100`, `100-1000` (uniform), `100:9,10000:1` (weighted: nine records
/// of 100 bytes for each of 10,000).
public enum RecordSizes: Sendable, Hashable, CustomStringConvertible {
    case fixed(Int)
    case uniform(ClosedRange<Int>)
    case weighted([(size: Int, weight: Int)])

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public init(parsing text: String) throws(BenchError) {
        let trimmed = text.trimmingSpaces
        func size(_ part: Substring) throws(BenchError) -> Int {
            guard let value = Int(part.trimmingSpaces), value >= 0, value <= 100 * 1024 * 1024 else {
                throw BenchError("record size '\(part)' is not a number of bytes between 0 and 100 MiB")
            }
            return value
        }
        if trimmed.contains(":") {
            var choices: [(size: Int, weight: Int)] = []
            for entry in trimmed.split(separator: ",") {
                let parts = entry.split(separator: ":")
                guard parts.count == 2, let weight = Int(parts[1].trimmingSpaces), weight > 0 else {
                    throw BenchError("weighted record sizes are SIZE:WEIGHT,...; got '\(entry)'")
                }
                choices.append((try size(parts[0]), weight))
            }
            guard !choices.isEmpty else { throw BenchError("no record sizes in '\(text)'") }
            self = .weighted(choices)
        } else if let dash = trimmed.firstIndex(of: "-") {
            let low = try size(trimmed[..<dash])
            let high = try size(trimmed[trimmed.index(after: dash)...])
            guard low <= high else { throw BenchError("record size range \(text) runs backwards") }
            self = .uniform(low...high)
        } else {
            self = .fixed(try size(Substring(trimmed)))
        }
    }

    /// The smallest size this can produce.
    public var minimum: Int {
        switch self {
        case .fixed(let size): size
        case .uniform(let range): range.lowerBound
        case .weighted(let choices): choices.map(\.size).min() ?? 0
        }
    }

    /// The largest size this can produce.
    public var maximum: Int {
        switch self {
        case .fixed(let size): size
        case .uniform(let range): range.upperBound
        case .weighted(let choices): choices.map(\.size).max() ?? 0
        }
    }

    /// The next size.
    public func next(using random: inout some RandomNumberGenerator) -> Int {
        switch self {
        case .fixed(let size):
            return size
        case .uniform(let range):
            return Int.random(in: range, using: &random)
        case .weighted(let choices):
            var ticket = Int.random(in: 0..<choices.reduce(0) { $0 + $1.weight }, using: &random)
            for choice in choices {
                if ticket < choice.weight { return choice.size }
                ticket -= choice.weight
            }
            return choices[choices.count - 1].size
        }
    }

    public var description: String {
        switch self {
        case .fixed(let size): "\(size)"
        case .uniform(let range): "\(range.lowerBound)-\(range.upperBound)"
        case .weighted(let choices): choices.map { "\($0.size):\($0.weight)" }.joined(separator: ",")
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
