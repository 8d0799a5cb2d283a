import KafkaClient

/// What `gregor bench consume` (and the consuming half of `bench e2e`) reads, and when it stops.
public struct ConsumeSettings: Sendable {
    public var topic: String
    /// Consumers, each with its own client; with `group` they share the partitions as a consumer
    /// group decides, else the partitions are split between them (assigned).
    public var consumers: Int = 1
    public var group: String?
    /// Start at the log start offset (else at the end: only records produced from now on).
    public var fromBeginning = true
    /// Stop after this many records (nil: at the end offsets seen at the start, when reading from
    /// the beginning without a duration).
    public var records: Int64?
    public var duration: Duration?
    public var warmup: Duration = .zero
    /// Stop when no record arrived for this long (Kafka's consumer perf test `--timeout`, 10 s).
    public var idleTimeout: Duration = .seconds(10)
    public var consumer = ConsumerConfiguration()

    public init(topic: String) {
        self.topic = topic
        consumer.enableAutoCommit = false
        consumer.autoOffsetReset = .earliest
    }

    /// The consumers of an end-to-end run: from the end of the log (only the run's records), polling
    /// with short waits, stopped by the run when its producers are done rather than by idleness.
    public static func endToEnd(topic: String, consumers: Int) -> ConsumeSettings {
        var settings = ConsumeSettings(topic: topic)
        settings.consumers = consumers
        settings.fromBeginning = false
        settings.idleTimeout = .seconds(3600)
        settings.consumer.fetchMaxWait = .milliseconds(100)
        return settings
    }

    public func validate() throws(BenchError) {
        guard consumers >= 1 else { throw BenchError("--consumers must be at least 1") }
        if let records, records < 1 { throw BenchError("--records must be at least 1") }
        if !fromBeginning, records == nil, duration == nil {
            throw BenchError("reading live (--from latest) needs --records N or --duration D to know when to stop")
        }
    }
}
