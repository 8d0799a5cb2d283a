/// The network and disk faults one broker is told to suffer, as the broker's admin endpoint serves and
/// takes them (`GET`/`PUT /faults`, JSON) and as `DATA/faults.json` keeps them across restarts: a cut
/// cable or a full disk does not mend itself because the process restarted.
///
/// Shared by the broker (which acts on them) and `gregor fault` (which sets them), so both read the same
/// JSON. Process faults (kill, pause) are signals and are not here.
public struct FaultSettings: Codable, Sendable, Hashable {
    /// Whom the broker is cut off from, in both directions.
    public var isolation = Isolation()
    /// Every answer this broker sends, and every request it sends a peer, waits this long first.
    public var latencyMs = 0
    /// Up to this much more, uniformly at random, on top of `latencyMs`.
    public var jitterMs = 0
    /// The share of incoming requests (0–100) swallowed unanswered, with their connection reset.
    public var dropPercent = 0.0
    /// Every write and fsync of the broker's data directory waits this long first.
    public var slowDiskMs = 0
    /// Writes fail with ENOSPC, as on a full disk.
    public var diskFull = false

    public init() {}

    /// A field left out keeps its default: no fault of that kind.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        isolation = try c.decodeIfPresent(Isolation.self, forKey: .isolation) ?? Isolation()
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        jitterMs = try c.decodeIfPresent(Int.self, forKey: .jitterMs) ?? 0
        dropPercent = try c.decodeIfPresent(Double.self, forKey: .dropPercent) ?? 0
        slowDiskMs = try c.decodeIfPresent(Int.self, forKey: .slowDiskMs) ?? 0
        diskFull = try c.decodeIfPresent(Bool.self, forKey: .diskFull) ?? false
    }

    /// Who an isolated broker cannot reach and who cannot reach it.
    public struct Isolation: Codable, Sendable, Hashable {
        /// Cut off from every other broker.
        public var allPeers = false
        /// Cut off from these brokers (node ids), when not from all.
        public var peers: [Int32] = []
        /// Cut off from clients (every connection that is not another broker's).
        public var clients = false

        public init(allPeers: Bool = false, peers: [Int32] = [], clients: Bool = false) {
            self.allPeers = allPeers
            self.peers = peers.sorted()
            self.clients = clients
        }

        /// Whether traffic with broker `node` is cut.
        public func cuts(peer node: Int32) -> Bool { allPeers || peers.contains(node) }

        public var isEmpty: Bool { !allPeers && peers.isEmpty && !clients }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                allPeers: try c.decodeIfPresent(Bool.self, forKey: .allPeers) ?? false,
                peers: try c.decodeIfPresent([Int32].self, forKey: .peers) ?? [],
                clients: try c.decodeIfPresent(Bool.self, forKey: .clients) ?? false)
        }
    }

    /// No fault at all.
    public var isEmpty: Bool { self == FaultSettings() }

    /// Whether any network fault is set.
    public var hasNetworkFault: Bool { !isolation.isEmpty || latencyMs > 0 || jitterMs > 0 || dropPercent > 0 }

    /// Clears the network faults, keeping the disk ones.
    public mutating func healNetwork() {
        isolation = Isolation()
        latencyMs = 0
        jitterMs = 0
        dropPercent = 0
    }

    /// Clears the disk faults, keeping the network ones.
    public mutating func healDisk() {
        slowDiskMs = 0
        diskFull = false
    }

    /// Refuses values that make no sense, with the reason.
    public func validate() throws(FaultSettingsError) {
        guard latencyMs >= 0, jitterMs >= 0, slowDiskMs >= 0 else { throw FaultSettingsError("latencies must not be negative") }
        guard latencyMs <= Self.maximumLatencyMs, jitterMs <= Self.maximumLatencyMs, slowDiskMs <= Self.maximumLatencyMs else {
            throw FaultSettingsError("latencies above \(Self.maximumLatencyMs) ms are not faults but outages; use isolate")
        }
        guard (0...100).contains(dropPercent) else { throw FaultSettingsError("the drop share must be 0 to 100 percent, got \(dropPercent)") }
    }

    /// The longest latency a fault may add (a minute).
    public static let maximumLatencyMs = 60_000

    /// One phrase per active fault, for `gregor fault list` and the broker's log: "isolated from brokers 1, 3".
    public var descriptions: [String] {
        var lines: [String] = []
        if isolation.allPeers {
            lines.append("isolated from every other broker")
        } else if !isolation.peers.isEmpty {
            lines.append("isolated from broker\(isolation.peers.count == 1 ? "" : "s") \(isolation.peers.map(String.init).joined(separator: ", "))")
        }
        if isolation.clients { lines.append("isolated from clients") }
        if latencyMs > 0 || jitterMs > 0 { lines.append("network latency \(latencyMs) ms" + (jitterMs > 0 ? " + up to \(jitterMs) ms jitter" : "")) }
        if dropPercent > 0 { lines.append("drops \(Self.percent(dropPercent)) of requests") }
        if slowDiskMs > 0 { lines.append("slow disk: \(slowDiskMs) ms per write and fsync") }
        if diskFull { lines.append("disk full: writes fail with ENOSPC") }
        return lines
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}

/// Fault settings that make no sense (a negative latency, a share above 100%).
public struct FaultSettingsError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
