/// Everything a bench run measured, as `--json` writes it and `bench compare` reads it: the
/// settings, the totals of each lane (acknowledged produces, consumed records), a series per second,
/// the faults injected, and the durability verdict when the run was verified.
public struct BenchReport: Sendable, Codable {
    /// One second of the run.
    public struct Second: Sendable, Codable, Hashable {
        public var second: Int
        public var produced: IntervalStats?
        public var consumed: IntervalStats?

        public init(second: Int, produced: IntervalStats?, consumed: IntervalStats?) {
            self.second = second
            self.produced = produced
            self.consumed = consumed
        }
    }

    /// produce, consume or e2e.
    public var kind: String
    public var topic: String
    public var bootstrap: String
    /// ISO 8601, UTC.
    public var startedAt: String
    /// The settings as the command line gave them (acks, linger.ms, record size, ...).
    public var settings: [String: String]
    public var produced: LaneTotals?
    public var consumed: LaneTotals?
    public var series: [Second] = []
    public var faults: [FaultEvent] = []
    public var verification: VerificationSummary?

    public init(kind: String, topic: String, bootstrap: String, startedAt: String, settings: [String: String]) {
        self.kind = kind
        self.topic = topic
        self.bootstrap = bootstrap
        self.startedAt = startedAt
        self.settings = settings
    }
}

/// The durability checker's findings as a report keeps them: the counts, up to 20 examples of each,
/// the unavailability windows, and the verdict.
public struct VerificationSummary: Sendable, Codable, Hashable {
    public var sent: Int
    public var acknowledged: Int
    public var failed: Int
    public var readBack: Int
    public var lost: Int
    public var duplicated: Int
    public var moved: Int
    public var reordered: Int
    public var unexpected: Int
    public var examples: [String]
    public var unavailability: [UnavailabilityWindow]
    /// Whether the configuration promised that no acknowledged record is lost.
    public var promisedNoLoss: Bool
    /// Whether that promise was broken (the bench then exits non-zero).
    public var violated: Bool

    public init(_ report: DurabilityReport, promise: DurabilityPromise) {
        sent = report.sent
        acknowledged = report.acknowledged
        failed = report.failed
        readBack = report.observed
        lost = report.lost.count
        duplicated = report.duplicated.count
        moved = report.moved.count
        reordered = report.reordered.count
        unexpected = report.unexpected.count
        examples = report.text(examples: 20).split(separator: "\n").dropFirst(2).filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        unavailability = report.unavailability
        promisedNoLoss = promise.promisesNoLoss
        violated = report.violates(promise)
    }
}
