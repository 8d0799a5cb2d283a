/// A small, fast, seeded random source (SplitMix64) for sizes and keys: a bench draws one or two
/// numbers per record, where the system generator would cost a system call each.
public struct BenchRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The bytes behind every value: random capital letters, as Kafka's perf tools fill theirs, so that
/// compression ratios compare.
struct Padding: Sendable {
    let bytes: [UInt8]

    init(size: Int, seed: UInt64) {
        var random = BenchRandom(seed: seed)
        bytes = (0..<size).map { _ in UInt8(65 + random.next() % 26) }
    }
}
