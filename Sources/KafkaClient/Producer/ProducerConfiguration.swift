import KafkaRecords

/// The producer's settings, named after Kafka's producer configs, with Kafka 4.0's defaults.
///
/// Defaults: `acks=all`, idempotence on (when the broker supports it and acks=all), `linger.ms=5`,
/// `batch.size=16384`, `max.request.size=1048576`, `buffer.memory=32 MiB`, `compression.type=none`,
/// `max.in.flight.requests.per.connection=5`, `retries=Int.max` bounded by `delivery.timeout.ms=120 s`,
/// `max.block.ms=60 s`. For benchmarks, a larger `batchSize` (64-256 KiB) raises throughput.
public struct ProducerConfiguration: Sendable {
    /// `acks`: how many replicas must have the batch before the broker answers.
    public enum Acks: Int16, Sendable {
        /// Fire and forget: no response; offsets are reported as -1.
        case none = 0
        /// The leader wrote it.
        case leader = 1
        /// Every in-sync replica has it (`-1` / `all`).
        case all = -1
    }

    public var acks: Acks = .all
    /// `enable.idempotence`: nil means Kafka's default (on when acks=all and the broker offers
    /// InitProducerId); true insists (an error if impossible); false turns it off.
    public var enableIdempotence: Bool? = nil
    /// `linger.ms`: how long a batch waits for more records before it is sent.
    public var linger: Duration = .milliseconds(5)
    /// `batch.size`: a batch is sent once it holds this many bytes.
    public var batchSize: Int = 16_384
    /// `max.request.size`: the largest Produce request (and so the largest record).
    public var maxRequestSize: Int = 1_048_576
    /// `buffer.memory`: bytes of records waiting to be sent; `send` waits when full.
    public var bufferMemory: Int = 33_554_432
    /// `compression.type`: none, gzip, snappy or lz4 (the codecs KafkaRecords implements; not zstd yet).
    public var compression: CompressionType = .none
    /// `max.in.flight.requests.per.connection` (at most 5 with idempotence).
    public var maxInFlightRequestsPerConnection: Int = 5
    /// `retries`.
    public var retries: Int = Int.max
    /// `delivery.timeout.ms`: a record fails once this long has passed since `send`.
    public var deliveryTimeout: Duration = .seconds(120)
    /// `max.block.ms`: how long `send` waits for metadata or buffer space.
    public var maxBlock: Duration = .seconds(60)

    public init() {}

    func validate() throws(KafkaClientError) {
        if enableIdempotence == true && acks != .all {
            throw KafkaClientError(.invalidArgument, "enable.idempotence requires acks=all (got acks=\(acks.rawValue))")
        }
        if enableIdempotence == true && maxInFlightRequestsPerConnection > 5 {
            throw KafkaClientError(.invalidArgument, "enable.idempotence requires max.in.flight.requests.per.connection <= 5")
        }
        guard batchSize > 0, maxRequestSize > 0, bufferMemory > 0, maxInFlightRequestsPerConnection > 0 else {
            throw KafkaClientError(.invalidArgument, "batch.size, max.request.size, buffer.memory and max.in.flight must be positive")
        }
        guard compression == .none || compression.codec != nil else {
            throw KafkaClientError(.invalidArgument, "compression.type \(compression) is not supported (use none, gzip, snappy or lz4)")
        }
    }

    /// Whether idempotence is wanted before asking the broker.
    var wantsIdempotence: Bool {
        enableIdempotence ?? (acks == .all && maxInFlightRequestsPerConnection <= 5)
    }
}
