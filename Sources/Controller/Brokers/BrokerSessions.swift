/// When each broker last heartbeated and how far it has replayed the metadata log, as the active
/// controller saw it (Kafka's `BrokerHeartbeatManager`). Kept in memory only: a controller that takes
/// over starts every registered broker's session afresh, so a broker is fenced only after the new
/// controller itself has not heard from it for `broker.session.timeout.ms`.
public struct BrokerSessions: Sendable {
    struct Session: Sendable {
        var lastContactMs: Int64
        /// The highest metadata offset the broker said it has replayed; -1 before its first heartbeat.
        var metadataOffset: Int64 = -1
        /// The metadata offset that moved its leaderships away, once it asked to shut down.
        var controlledShutdownOffset: Int64?
    }

    public let sessionTimeoutMs: Int64
    private var sessions: [Int32: Session] = [:]

    /// Sessions for every broker `image` registers, as if each had just heartbeated.
    public init(sessionTimeoutMs: Int64, image: MetadataImage, now: Int64) {
        self.sessionTimeoutMs = sessionTimeoutMs
        for id in image.brokers.keys { sessions[id] = Session(lastContactMs: now) }
    }

    /// Records a heartbeat (or a registration) from `broker`.
    public mutating func touch(_ broker: Int32, metadataOffset: Int64, now: Int64) {
        var session = sessions[broker] ?? Session(lastContactMs: now)
        session.lastContactMs = now
        session.metadataOffset = max(session.metadataOffset, metadataOffset)
        sessions[broker] = session
    }

    /// A registration replaces the broker's session: a new incarnation starts from nothing.
    public mutating func restart(_ broker: Int32, now: Int64) { sessions[broker] = Session(lastContactMs: now) }

    /// When `broker` last heartbeated (or the session began), if it has a session.
    public func lastContact(_ broker: Int32) -> Int64? { sessions[broker]?.lastContactMs }

    /// Whether `broker` heartbeated within the session timeout.
    public func isAlive(_ broker: Int32, now: Int64) -> Bool {
        guard let session = sessions[broker] else { return false }
        return now - session.lastContactMs <= sessionTimeoutMs
    }

    /// The unfenced broker that has been silent longest, if it has been silent for longer than the
    /// session timeout. Brokers are fenced one at a time so that each fencing's elections see the
    /// previous one's (as Kafka's `maybeFenceOneStaleBroker` does).
    public func staleBroker(in image: MetadataImage, now: Int64) -> Int32? {
        let stale = image.brokers.values.filter { !$0.fenced && !isAlive($0.id, now: now) }
        return stale.min { (sessions[$0.id]?.lastContactMs ?? .min, $0.id) < (sessions[$1.id]?.lastContactMs ?? .min, $1.id) }?.id
    }

    /// Unfenced brokers other than `except` that have not heartbeated for `silentForMs` but whose
    /// sessions have not run out yet, silent longest first: candidates for a liveness probe, which may
    /// show that the process is gone before the session says so.
    public func overdueBrokers(in image: MetadataImage, silentForMs: Int64, except: Int32, now: Int64) -> [Int32] {
        image.brokers.values
            .filter { !$0.fenced && $0.id != except && isAlive($0.id, now: now) }
            .compactMap { broker in sessions[broker.id].map { (broker.id, $0.lastContactMs) } }
            .filter { now - $0.1 > silentForMs }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .map(\.0)
    }

    public mutating func enterControlledShutdown(_ broker: Int32, offset: Int64) {
        guard sessions[broker]?.controlledShutdownOffset == nil else { return }
        sessions[broker]?.controlledShutdownOffset = offset
    }

    func controlledShutdownOffset(_ broker: Int32) -> Int64? { sessions[broker]?.controlledShutdownOffset }

    /// The lowest metadata offset any active broker (unfenced, not shutting down) has replayed: once it
    /// reaches a shutting-down broker's offset, every broker knows the new leaders and it may stop.
    func lowestActiveOffset(in image: MetadataImage) -> Int64 {
        let active = image.brokers.values.filter { !$0.fenced && !$0.inControlledShutdown }
        return active.map { sessions[$0.id]?.metadataOffset ?? -1 }.min() ?? .max
    }
}
