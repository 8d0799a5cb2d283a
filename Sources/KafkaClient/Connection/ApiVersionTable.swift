import KafkaProtocol

/// The versions of each API that this client implements, and the ranges one broker advertised.
///
/// Every request goes out at the highest version both sides support. The client's ranges are the
/// schema's, narrowed where the client does not implement a version's semantics: Produce from v3 and
/// Fetch from v4 (record batch v2 only), Metadata from v1 (null topics = all), OffsetCommit from v2
/// and OffsetFetch from v1 (offsets kept by the group coordinator, not ZooKeeper).
public struct ApiVersionTable: Sendable, Hashable {
    /// What the broker advertised in ApiVersions, by API key.
    public let brokerRanges: [ApiKey: ClosedRange<Int16>]

    public init(brokerRanges: [ApiKey: ClosedRange<Int16>]) { self.brokerRanges = brokerRanges }

    /// From an ApiVersions response.
    init(_ response: ApiVersionsResponse) {
        var ranges: [ApiKey: ClosedRange<Int16>] = [:]
        for entry in response.apiKeys where entry.minVersion <= entry.maxVersion {
            ranges[ApiKey(entry.apiKey)] = entry.minVersion...entry.maxVersion
        }
        brokerRanges = ranges
    }

    /// The versions of `key` this client can speak.
    public static func clientRange(_ key: ApiKey) -> ClosedRange<Int16>? {
        if let narrowed = narrowed[key] { return narrowed }
        return KafkaAPI.named(key)?.validVersions
    }

    private static let narrowed: [ApiKey: ClosedRange<Int16>] = [
        .produce: 3...11,
        .fetch: 4...16,
        .metadata: 1...12,
        .listOffsets: 1...8,
        .apiVersions: 0...3,
        // v0/v1 kept offsets in ZooKeeper (and v1 OffsetCommit carried per-partition timestamps).
        .offsetCommit: 2...9,
        .offsetFetch: 1...9,
    ]

    /// The highest version both sides support, or nil when there is none (or the broker lacks the API).
    public func highestCommonVersion(_ key: ApiKey) -> Int16? {
        guard let client = Self.clientRange(key), let broker = brokerRanges[key] else { return nil }
        let top = min(client.upperBound, broker.upperBound)
        return top >= max(client.lowerBound, broker.lowerBound) ? top : nil
    }

    /// Whether the broker advertises `key` in a version this client speaks.
    public func supports(_ key: ApiKey) -> Bool { highestCommonVersion(key) != nil }

    /// The version to use for `key`, or `.unsupportedVersion` naming both ranges.
    func version(_ key: ApiKey, broker: String) throws(KafkaClientError) -> Int16 {
        if let version = highestCommonVersion(key) { return version }
        let client = Self.clientRange(key).map { "\($0.lowerBound)-\($0.upperBound)" } ?? "none"
        let theirs = brokerRanges[key].map { "\($0.lowerBound)-\($0.upperBound)" } ?? "none"
        throw KafkaClientError(
            .unsupportedVersion,
            "broker \(broker) and this client share no version of \(key) (client \(client), broker \(theirs))")
    }
}
