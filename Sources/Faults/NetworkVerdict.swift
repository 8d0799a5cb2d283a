/// What a network fault does to one request: the decision only, so it is testable; the broker acts on it.
public enum NetworkVerdict: Sendable, Hashable {
    /// Goes through, after `delayMs` (0 when no latency is set).
    case pass(delayMs: Int)
    /// Never answered, as if the packets vanished: the sender times out.
    case blackHole
    /// Swallowed, and its connection reset (`drop`): the sender sees the connection fail and retries.
    case reset
}

extension FaultSettings {
    /// What happens to a request arriving from broker `peer` (nil: from a client).
    public func inbound(from peer: Int32?, using random: inout some RandomNumberGenerator) -> NetworkVerdict {
        if let peer { if isolation.cuts(peer: peer) { return .blackHole } } else if isolation.clients { return .blackHole }
        if dropPercent > 0, Double.random(in: 0..<100, using: &random) < dropPercent { return .reset }
        return .pass(delayMs: delay(using: &random))
    }

    /// What happens to a request this broker sends to broker `peer`.
    public func outbound(to peer: Int32, using random: inout some RandomNumberGenerator) -> NetworkVerdict {
        isolation.cuts(peer: peer) ? .blackHole : .pass(delayMs: delay(using: &random))
    }

    private func delay(using random: inout some RandomNumberGenerator) -> Int {
        jitterMs > 0 ? latencyMs + Int.random(in: 0...jitterMs, using: &random) : latencyMs
    }
}
