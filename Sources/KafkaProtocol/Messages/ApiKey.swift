/// A Kafka API key. An open set: a request may carry a key no schema defines, and the broker must answer
/// it, not crash. The named keys are generated (`Generated/ApiKeys.swift`).
public struct ApiKey: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public init(_ rawValue: Int16) { self.rawValue = rawValue }

    public static func < (lhs: ApiKey, rhs: ApiKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Kafka's name of the API (`Produce`, `Fetch`, ...), or `Unknown(N)`.
    public var description: String { ApiKey.names[rawValue] ?? "Unknown(\(rawValue))" }
}
