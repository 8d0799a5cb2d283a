import NIOCore

/// Which keys a bench gives its records, and so how the partitioner spreads them.
///
/// Text forms (`--keys`): `none` (keyless: the sticky partitioner fills one batch at a time),
/// `random` (a fresh random key per record), `N` (one of N keys at random, e.g. devices),
/// `round-robin:N` (keys 0, 1, ..., N-1 in turn).
public enum KeyStrategy: Sendable, Hashable, CustomStringConvertible {
    case none
    case random
    case distinct(Int)
    case roundRobin(Int)

    public init(parsing text: String) throws(BenchError) {
        let trimmed = text.trimmingSpaces.lowercased()
        switch trimmed {
        case "none": self = .none
        case "random": self = .random
        default:
            if trimmed.hasPrefix("round-robin:"), let count = Int(trimmed.dropFirst("round-robin:".count)), count > 0 {
                self = .roundRobin(count)
            } else if let count = Int(trimmed), count > 0 {
                self = .distinct(count)
            } else {
                throw BenchError("--keys is none, random, N (N distinct keys) or round-robin:N; got '\(text)'")
            }
        }
    }

    /// The key of the `sequence`-th record of a producer, or nil for keyless records.
    public func key(for sequence: Int64, using random: inout some RandomNumberGenerator) -> ByteBuffer? {
        switch self {
        case .none: nil
        case .random: ByteBuffer(string: "key-\(UInt64.random(in: 0...UInt64.max, using: &random))")
        case .distinct(let count): ByteBuffer(string: "key-\(Int.random(in: 0..<count, using: &random))")
        case .roundRobin(let count): ByteBuffer(string: "key-\(Int(sequence % Int64(count)))")
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .random: "random"
        case .distinct(let count): "\(count)"
        case .roundRobin(let count): "round-robin:\(count)"
        }
    }
}
