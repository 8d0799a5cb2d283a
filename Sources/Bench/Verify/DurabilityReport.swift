/// What the durability checker found, in Jepsen's words, with the counts it started from.
public struct DurabilityReport: Sendable {
    /// A record read at more than one position.
    public struct Duplicate: Sendable, Hashable {
        public var id: RecordId
        public var positions: [LogPosition]
    }

    /// An acknowledged record read, but not where the acknowledgement said it was written.
    public struct Move: Sendable, Hashable {
        public var acknowledgement: DeliveryHistory.Acknowledgement
        public var readAt: [LogPosition]
    }

    /// A record read after a later record of the same producer in the same partition.
    public struct Reordering: Sendable, Hashable {
        public var record: DeliveryHistory.Observation
        public var after: DeliveryHistory.Observation
    }

    public var sent = 0
    public var acknowledged = 0
    public var failed = 0
    public var observed = 0
    /// Acknowledged, never read.
    public var lost: [DeliveryHistory.Acknowledgement] = []
    public var duplicated: [Duplicate] = []
    public var moved: [Move] = []
    public var reordered: [Reordering] = []
    /// Read, but never sent by this run.
    public var unexpected: [DeliveryHistory.Observation] = []
    public var unavailability: [UnavailabilityWindow] = []

    public init() {}

    /// Whether every acknowledged record was read exactly once, in order, where it was acknowledged,
    /// and nothing else was read.
    public var isClean: Bool { lost.isEmpty && duplicated.isEmpty && moved.isEmpty && reordered.isEmpty && unexpected.isEmpty }

    /// The verdict under `promise`: a failure when acknowledged records were lost although the
    /// configuration promised to keep them all.
    public func violates(_ promise: DurabilityPromise) -> Bool { promise.promisesNoLoss && !lost.isEmpty }

    /// The report as text: the counts, then up to `examples` cases of each finding.
    public func text(examples: Int = 5) -> String {
        var lines = [
            "sent \(sent), acknowledged \(acknowledged), failed \(failed), read back \(observed)",
            "lost \(lost.count), duplicated \(duplicated.count), moved \(moved.count), reordered \(reordered.count), unexpected \(unexpected.count)",
        ]
        for ack in lost.prefix(examples) { lines.append("  lost: \(ack.id), acknowledged at \(ack.position) after \(ack.timeMs) ms") }
        for duplicate in duplicated.prefix(examples) {
            lines.append("  duplicated: \(duplicate.id) at \(duplicate.positions.map(\.description).joined(separator: ", "))")
        }
        for move in moved.prefix(examples) {
            lines.append("  moved: \(move.acknowledgement.id) acknowledged at \(move.acknowledgement.position), read at \(move.readAt.map(\.description).joined(separator: ", "))")
        }
        for reordering in reordered.prefix(examples) {
            lines.append("  reordered: \(reordering.record.id) at \(reordering.record.position) after \(reordering.after.id) at \(reordering.after.position)")
        }
        for observation in unexpected.prefix(examples) { lines.append("  unexpected: \(observation.id) at \(observation.position)") }
        for window in unavailability {
            let faults = window.faults.isEmpty ? "" : " (after \(window.faults.map(\.description).joined(separator: "; ")))"
            lines.append("unavailable from \(window.startMs) ms to \(window.endMs) ms: \(window.durationMs) ms without an acknowledgement\(faults)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The configuration a run wrote with, and how many brokers failed at once: together they say whether
/// Kafka promises that no acknowledged record is lost (acks=all, min.insync.replicas ≥ 2, no unclean
/// leader election, and at most replication factor − min.insync.replicas brokers down at a time).
public struct DurabilityPromise: Sendable, Hashable {
    /// -1 for all, else 0 or 1.
    public var acks: Int16
    public var replicationFactor: Int
    public var minInsyncReplicas: Int
    public var uncleanLeaderElection: Bool
    /// The most brokers that were down (killed, paused, isolated) at the same time during the run.
    public var maxConcurrentFailures: Int

    public init(acks: Int16, replicationFactor: Int, minInsyncReplicas: Int, uncleanLeaderElection: Bool, maxConcurrentFailures: Int) {
        self.acks = acks
        self.replicationFactor = replicationFactor
        self.minInsyncReplicas = minInsyncReplicas
        self.uncleanLeaderElection = uncleanLeaderElection
        self.maxConcurrentFailures = maxConcurrentFailures
    }

    public var promisesNoLoss: Bool {
        acks == -1 && minInsyncReplicas >= 2 && !uncleanLeaderElection && maxConcurrentFailures <= replicationFactor - minInsyncReplicas
    }
}
