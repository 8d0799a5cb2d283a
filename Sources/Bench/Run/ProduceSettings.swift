import KafkaClient

/// What `gregor bench produce` (and the producing half of `bench e2e`) sends, how fast, and for how long.
public struct ProduceSettings: Sendable {
    public var topic: String
    /// Producers, each with its own client and connections, like separate processes.
    public var producers: Int = 1
    public var recordSizes: RecordSizes = .fixed(100)
    public var keys: KeyStrategy = .none
    /// Records per second over all producers; nil for as fast as the cluster takes them.
    public var rate: Double?
    /// Stop after this many records over all producers (nil: use `duration`).
    public var records: Int64?
    /// Stop after this long (after the warm-up); nil: use `records`.
    public var duration: Duration?
    /// Time at the start that the totals leave out.
    public var warmup: Duration = .zero
    public var producer = ProducerConfiguration()

    public init(topic: String) {
        self.topic = topic
    }

    /// Whether records carry a `RecordStamp` (their values are large enough).
    public var stamps: Bool { recordSizes.minimum >= RecordStamp.size }

    /// Checks the settings before anything connects.
    public func validate() throws(BenchError) {
        guard producers >= 1 else { throw BenchError("--producers must be at least 1") }
        guard records != nil || duration != nil else { throw BenchError("give --records N or --duration D (say 30s)") }
        if let records, records < 1 { throw BenchError("--records must be at least 1") }
        if let rate, !(rate > 0) { throw BenchError("--rate must be a positive number of records per second") }
    }
}
