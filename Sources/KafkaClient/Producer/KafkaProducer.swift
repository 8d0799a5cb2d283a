import KafkaProtocol
import KafkaRecords
import Logging
import NIOCore
import Synchronization

/// A Kafka producer: batches records per partition, sends them to partition leaders with pipelining,
/// retries what can be retried, and (by default) writes idempotently.
///
/// `send` appends under a lock and returns; no task or actor hop per record. A sender on one event
/// loop drains ready batches (full, lingered out, or flushed) into Produce requests, and response
/// handlers complete each record's callback. See `ProducerConfiguration` for the knobs and defaults.
public final class KafkaProducer: Sendable {
    public let cluster: ClusterClient
    public let configuration: ProducerConfiguration
    private let ownsCluster: Bool
    let state: Mutex<ProducerState>
    /// The sender's event loop: drains and timers run here.
    let loop: any EventLoop
    var logger: Logger { cluster.logger }

    /// A producer over a shared cluster client.
    public init(cluster: ClusterClient, configuration: ProducerConfiguration = .init()) throws {
        try configuration.validate()
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = false
        self.loop = cluster.configuration.eventLoopGroup.next()
        var initial = ProducerState()
        initial.metadata = cluster.metadata
        initial.idempotence = configuration.wantsIdempotence ? .needsProducerId : .disabled
        self.state = Mutex(initial)
        cluster.addMetadataListener { [weak self] metadata in self?.metadataUpdated(metadata) }
    }

    /// A producer with its own cluster client for `host:port` bootstrap servers.
    public convenience init(bootstrap: [String], configuration: ProducerConfiguration = .init()) throws {
        try self.init(clientConfiguration: try ClientConfiguration(bootstrap: bootstrap), configuration: configuration)
    }

    /// A producer with its own cluster client; `close()` closes it too.
    public init(clientConfiguration: ClientConfiguration, configuration: ProducerConfiguration = .init()) throws {
        try configuration.validate()
        let cluster = ClusterClient(configuration: clientConfiguration)
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = true
        self.loop = clientConfiguration.eventLoopGroup.next()
        var initial = ProducerState()
        initial.idempotence = configuration.wantsIdempotence ? .needsProducerId : .disabled
        self.state = Mutex(initial)
        cluster.addMetadataListener { [weak self] metadata in self?.metadataUpdated(metadata) }
    }

    /// Sends a record and waits for its acknowledgement.
    nonisolated(nonsending) public func send(
        topic: String, key: ByteBuffer? = nil, value: ByteBuffer?, headers: [RecordHeader] = [],
        partition: Int32? = nil, timestamp: Int64? = nil
    ) async throws -> RecordMetadata {
        try await send(ProducerRecord(topic: topic, partition: partition, key: key, value: value, headers: headers, timestamp: timestamp))
    }

    /// Sends a record and waits for its acknowledgement.
    nonisolated(nonsending) public func send(_ record: ProducerRecord) async throws -> RecordMetadata {
        let delivery = DeliveryWaiter()
        try await enqueue(record) { result in delivery.complete(result) }
        return try await delivery.value()
    }

    /// Buffers a record and returns at once (waiting only for metadata or `buffer.memory`); `onDelivery`
    /// runs later with the outcome. The fast path for bulk producing: pair it with `flush()`. Runs on the
    /// caller's executor (`nonisolated(nonsending)`), so a loop on the main actor pays no hop per record.
    nonisolated(nonsending) public func send(_ record: ProducerRecord, onDelivery: DeliveryCallback?) async throws {
        try await enqueue(record, callback: onDelivery)
    }

    nonisolated(nonsending) func enqueue(_ record: ProducerRecord, callback: DeliveryCallback?) async throws {
        let timestamp = record.timestamp ?? WallClock.nowMilliseconds()
        let deadline = NIODeadline.now() + configuration.maxBlock.timeAmount
        while true {
            let now = NIODeadline.now()
            let outcome = try state.withLock { state throws(KafkaClientError) in
                try state.append(record, timestamp: timestamp, callback: callback, configuration: configuration, now: now)
            }
            switch outcome {
            case .appended(let wake, let lingerFrom):
                if wake { self.wake() }
                if let lingerFrom { scheduleDrain(at: lingerFrom + configuration.linger.timeAmount) }
                return
            case .needsMetadata: try await waitForMetadata(record.topic, deadline: deadline)
            case .bufferFull: try await waitForMemory(record.estimatedSize, deadline: deadline)
            case .needsProducerId: try await waitForProducerId(deadline: deadline)
            }
        }
    }

    /// Sends everything buffered now and waits until those records are acknowledged or failed.
    public func flush() async {
        let upTo = state.withLock { state -> Int? in
            guard !state.incomplete.isEmpty else { return nil }
            state.flushes += 1
            return state.nextBatchId - 1
        }
        guard let upTo else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                guard (state.incomplete.min() ?? Int.max) <= upTo else { return true }
                state.flushWaiters.append((upTo, continuation))
                return false
            }
            if done { continuation.resume() } else { wake() }
        }
        state.withLock { $0.flushes -= 1 }
    }

    /// Sends what is buffered, waits for it (bounded by `delivery.timeout.ms`), then stops accepting
    /// records. Closes the cluster client if the producer created it.
    public func close() async {
        let waiters = state.withLock { state in
            state.closed = true
            defer {
                state.memoryWaiters = []
                state.producerIdWaiters = []
            }
            return state.memoryWaiters + state.producerIdWaiters
        }
        for waiter in waiters { waiter.resume() }
        await flush()
        if ownsCluster { await cluster.close() }
    }

    /// Records buffered or in flight, not yet acknowledged (bytes).
    public var bufferedBytes: Int { state.withLock { $0.bufferedBytes } }

    func metadataUpdated(_ metadata: ClusterMetadata) {
        state.withLock { $0.metadata = metadata }
        wake()
    }
}

/// Hands one record's outcome from the delivery callback to the task awaiting `send`, whichever
/// comes first.
final class DeliveryWaiter: Sendable {
    private enum State {
        case waiting
        case done(Result<RecordMetadata, KafkaClientError>)
        case awaiting(CheckedContinuation<RecordMetadata, any Error>)
    }

    private let state = Mutex(State.waiting)

    func complete(_ result: Result<RecordMetadata, KafkaClientError>) {
        let continuation = state.withLock { state -> CheckedContinuation<RecordMetadata, any Error>? in
            switch state {
            case .awaiting(let continuation):
                state = .done(result)
                return continuation
            case .waiting:
                state = .done(result)
                return nil
            case .done:
                return nil
            }
        }
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    nonisolated(nonsending) func value() async throws -> RecordMetadata {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<RecordMetadata, KafkaClientError>? in
                if case .done(let result) = state { return result }
                state = .awaiting(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }
}
