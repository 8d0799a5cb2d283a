/// The client ids a Gregor broker uses on its connections to other brokers, which is how the receiving
/// broker tells a peer's request from a client's when a fault cuts one and not the other.
public enum PeerClientId {
    /// The quorum and broker-to-controller connections of broker `node`.
    public static func broker(_ node: Int32) -> String { "gregor-broker-\(node)" }

    /// The follower fetch connections of broker `node`.
    public static func replicaFetcher(_ node: Int32) -> String { "gregor-replica-fetcher-\(node)" }

    /// The node id of the broker that sent a request with `clientId`, or nil for a client.
    public static func peerNode(of clientId: String?) -> Int32? {
        guard let clientId else { return nil }
        for prefix in ["gregor-broker-", "gregor-replica-fetcher-"] where clientId.hasPrefix(prefix) {
            return Int32(clientId.dropFirst(prefix.count))
        }
        return nil
    }
}
