/// Which header version goes with a message (see `../shared/kafka-protocol/README.md`, "Framing").
extension ApiKey {
    /// Request header v2 for flexible versions, v1 otherwise; ControlledShutdown v0 uses v0.
    /// Versions past the schema's maximum count as flexible when the API has a flexible range, as Kafka
    /// reads them (an ApiVersions v99 request still has a v2 header).
    public func requestHeaderVersion(apiVersion: Int16) -> Int16 {
        if self == .controlledShutdown && apiVersion == 0 { return 0 }
        return isFlexible(apiVersion) ? 2 : 1
    }

    /// Response header v1 for flexible versions, v0 otherwise. ApiVersions always answers with v0, so a
    /// client can read the correlation id before it knows what the broker supports (KIP-511).
    public func responseHeaderVersion(apiVersion: Int16) -> Int16 {
        if self == .apiVersions { return 0 }
        return isFlexible(apiVersion) ? 1 : 0
    }

    /// Whether `apiVersion` of this API uses the flexible encoding.
    public func isFlexible(_ apiVersion: Int16) -> Bool {
        guard let first = KafkaAPI.named(self)?.firstFlexibleVersion else { return false }
        return apiVersion >= first
    }
}
