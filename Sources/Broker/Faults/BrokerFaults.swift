import Faults
import KafkaClient
import Logging
import Synchronization

/// The network and disk faults this broker suffers right now (`gregor broker --faults`): read by the
/// listener and the peer connections on every request and by the file system on every write, changed
/// through the admin endpoint, and kept in `DATA/faults.json` so that they outlive a restart.
///
/// A broker started without `--faults` has none of this: no check on any path, and the admin endpoint
/// refuses fault changes.
public final class BrokerFaults: Sendable {
    private let settings: Mutex<FaultSettings>
    private let dataDirectory: String
    private let logger: Logger

    /// Loads the faults kept in `dataDirectory` (a broker restarting under a fault suffers it again).
    public init(dataDirectory: String, logger: Logger) throws {
        let kept = try FaultSettingsFile.load(fromDataDirectory: dataDirectory)
        self.settings = Mutex(kept)
        self.dataDirectory = dataDirectory
        self.logger = logger
        for line in kept.descriptions { logger.warning("fault injection: \(line) (kept in \(FaultSettingsFile.fileName))") }
    }

    /// For tests: faults held in memory only.
    init(_ initial: FaultSettings = FaultSettings(), logger: Logger) {
        self.settings = Mutex(initial)
        self.dataDirectory = ""
        self.logger = logger
    }

    public var current: FaultSettings { settings.withLock { $0 } }

    /// Replaces the faults, keeping them on disk first so a crash right after does not forget them.
    func update(_ new: FaultSettings) throws {
        try new.validate()
        if !dataDirectory.isEmpty { try FaultSettingsFile.save(new, toDataDirectory: dataDirectory) }
        let old = settings.withLock { current in
            defer { current = new }
            return current
        }
        guard old != new else { return }
        let lines = new.descriptions
        logger.warning("fault injection: \(lines.isEmpty ? "healed: no fault" : lines.joined(separator: "; "))")
    }

    /// What happens to a request that arrived with `clientId`.
    func inbound(clientId: String?) -> NetworkVerdict {
        var random = SystemRandomNumberGenerator()
        return current.inbound(from: PeerClientId.peerNode(of: clientId), using: &random)
    }

    /// Whether requests with `clientId` are cut off now (isolation only; drops and latency aside).
    func isCut(clientId: String?) -> Bool {
        let settings = current
        guard let peer = PeerClientId.peerNode(of: clientId) else { return settings.isolation.clients }
        return settings.isolation.cuts(peer: peer)
    }

    /// Holds a black-holed request until its sender is no longer cut off or `limit` passed (the sender
    /// has given up by then), so its connection stays silent as over a cut cable.
    func holdWhileCut(clientId: String?, limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, !Task.isCancelled, isCut(clientId: clientId) {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Lets a request to broker `peer` go: after the latency, or, while the two are cut off, after
    /// `timeout` with the timeout error a lost request gives (sooner if the cut heals first).
    func admitOutbound(to peer: Int32, timeout: Duration) async throws {
        var random = SystemRandomNumberGenerator()
        switch current.outbound(to: peer, using: &random) {
        case .pass(let delayMs):
            if delayMs > 0 { try await Task.sleep(for: .milliseconds(delayMs)) }
        case .blackHole, .reset:
            let deadline = ContinuousClock.now + timeout
            while current.isolation.cuts(peer: peer) {
                guard ContinuousClock.now < deadline else {
                    throw KafkaClientError(.requestTimedOut, "no answer from broker \(peer): this broker is isolated from it (fault injection)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
