/// The compression codec of a batch (attribute bits 0-2). An open set: unknown values are kept.
public struct CompressionType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int8
    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let none = CompressionType(rawValue: 0)
    public static let gzip = CompressionType(rawValue: 1)
    public static let snappy = CompressionType(rawValue: 2)
    public static let lz4 = CompressionType(rawValue: 3)
    public static let zstd = CompressionType(rawValue: 4)

    /// Kafka's name for the codec (`compression.type` values).
    public var description: String {
        switch self {
        case .none: "none"
        case .gzip: "gzip"
        case .snappy: "snappy"
        case .lz4: "lz4"
        case .zstd: "zstd"
        default: "unknown(\(rawValue))"
        }
    }

    /// Parses Kafka's names (`none`, `gzip`, `snappy`, `lz4`, `zstd`).
    public init?(name: String) {
        switch name.lowercased() {
        case "none", "uncompressed": self = .none
        case "gzip": self = .gzip
        case "snappy": self = .snappy
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: return nil
        }
    }
}
