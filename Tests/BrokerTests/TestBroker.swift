import KafkaProtocol
import KafkaRecords
import LogStorage
import Logging
import NIOCore
import Synchronization

@testable import Broker

/// A broker without its listener, over an in-memory file system: requests go through the same router
/// (header parsing, version checks, handlers, encoding) that serves a socket.
final class TestBroker: Sendable {
    let stack: BrokerStack
    let fileSystem: InMemoryLogFileSystem
    private let correlation = Mutex<Int32>(0)

    static let dataDirectory = "/data/broker-1"

    /// The group coordinator's timer, as the broker's service group runs it.
    private let timers: Task<Void, Never>

    init(stack: BrokerStack, fileSystem: InMemoryLogFileSystem) {
        self.stack = stack
        self.fileSystem = fileSystem
        timers = Task { [groups = stack.groups] in await groups.runTimers(clock: WallClock.milliseconds) }
    }

    deinit { timers.cancel() }

    /// With `faults`, the broker suffers them as `gregor broker --faults` does: its file system applies
    /// the disk faults, and `storageFailures` hears of each failed write (where the process would halt).
    static func start(
        properties: [String: String] = [:], fileSystem: InMemoryLogFileSystem = InMemoryLogFileSystem(), faults: BrokerFaults? = nil,
        storageFailures: @escaping @Sendable (LogStorageError) -> Void = { _ in }
    ) async throws -> TestBroker {
        var logger = Logger(label: "test-broker")
        logger.logLevel = .critical
        let config = BrokerConfig(nodeId: 1, listenPort: 9092, dataDirectory: dataDirectory, properties: properties)
        var files: any LogFileSystem = fileSystem
        if let faults { files = LogDirectoryFailureWatch(base: FaultyLogFileSystem(base: fileSystem, faults: faults), onFailure: storageFailures) }
        return TestBroker(
            stack: try await BrokerStack.open(config: config, fileSystem: files, logger: logger, faults: faults), fileSystem: fileSystem)
    }

    /// Closes cleanly and opens again on the same files.
    func restart() async throws -> TestBroker {
        timers.cancel()
        try await stack.close()
        return try await Self.start(properties: stack.config.properties, fileSystem: fileSystem)
    }

    /// The highest version Gregor serves for `Request`, unless one is given.
    func version<Request: KafkaRequest>(of _: Request.Type) -> Int16 {
        stack.router.supportedVersions.first { $0.key == Request.apiKey }?.versions.upperBound ?? Request.validVersions.upperBound
    }

    func send<Request: KafkaRequest>(_ request: Request, version: Int16? = nil, clientId: String = "test") async throws -> Request.Response {
        let version = version ?? self.version(of: Request.self)
        let id = correlation.withLock { value -> Int32 in
            value += 1
            return value
        }
        var frame = try KafkaFrameEncoder.request(request, version: version, correlationId: id, clientId: clientId)
        frame.moveReaderIndex(forwardBy: 4)
        switch await stack.router.route(frame, peer: "test") {
        case .respond(let writer):
            // The in-memory file system has no descriptors, so fetched records come back as bytes.
            if let splice = writer.splices.first { throw TestBrokerError.unexpectedFileRegion(splice.bufferIndex) }
            var bytes = writer.buffer
            bytes.moveReaderIndex(forwardBy: 4)
            let (correlationId, response) = try Request.Response.decodeFrame(bytes, version: version)
            guard correlationId == id else { throw TestBrokerError.wrongCorrelation(correlationId) }
            return response
        case .noResponse: throw TestBrokerError.noResponse
        case .close(let reason): throw TestBrokerError.closed(reason)
        }
    }

    /// Routes raw frame bytes (no size prefix).
    func route(_ frame: ByteBuffer) async -> RequestRouter.Outcome { await stack.router.route(frame, peer: "test") }

    // MARK: Conveniences

    @discardableResult
    func createTopic(_ name: String, partitions: Int32 = 1, configs: [String: String] = [:]) async throws -> CreateTopicsResponse.CreatableTopicResult {
        var topic = CreateTopicsRequest.CreatableTopic(name: name, numPartitions: partitions, replicationFactor: 1)
        topic.configs = configs.map { .init(name: $0.key, value: $0.value) }
        return try await send(CreateTopicsRequest(topics: [topic])).topics[0]
    }

    func produce(_ topic: String, partition: Int32 = 0, batch: RecordBatch, acks: Int16 = -1) async throws -> ProduceResponse.PartitionProduceResponse {
        let data = ProduceRequest.PartitionProduceData(index: partition, records: .bytes(batch.bytes))
        let request = ProduceRequest(acks: acks, timeoutMs: 5000, topicData: [.init(name: topic, partitionData: [data])])
        return try await send(request).responses[0].partitionResponses[0]
    }

    func fetch(_ topic: String, partition: Int32 = 0, offset: Int64, maxWaitMs: Int32 = 0, minBytes: Int32 = 1, maxBytes: Int32 = 1 << 20)
        async throws -> FetchResponse.PartitionData
    {
        let fetchPartition = FetchRequest.FetchPartition(partition: partition, fetchOffset: offset, partitionMaxBytes: maxBytes)
        var request = FetchRequest(maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: maxBytes)
        request.topics = [FetchRequest.FetchTopic(topic: topic, partitions: [fetchPartition])]
        return try await send(request, version: 12).responses[0].partitions[0]
    }
}

enum TestBrokerError: Error {
    case noResponse
    case closed(String)
    case wrongCorrelation(Int32)
    case unexpectedFileRegion(Int)
}

/// Builds a batch of records "value-<i>" keyed "key-<i>".
func makeBatch(count: Int, first: Int = 0, timestamp: Int64 = 1_700_000_000_000, producer: ProducerIdentity = .none, sequence: Int32 = -1)
    throws -> RecordBatch
{
    var builder = RecordBatchBuilder(producer: producer, baseSequence: sequence)
    for index in first..<(first + count) {
        builder.append(
            key: ByteBuffer(string: "key-\(index)"), value: ByteBuffer(string: "value-\(index)"), headers: [("h", ByteBuffer(string: "x"))],
            timestamp: timestamp + Int64(index))
    }
    return try builder.build()
}

extension FetchResponse.PartitionData {
    /// The records of the fetched batches, in offset order.
    func decodedRecords() throws -> [Record] {
        guard let bytes = records?.buffer else { return [] }
        return try RecordBatchSequence(bytes).flatMap { try $0.decodeRecords() }
    }
}
