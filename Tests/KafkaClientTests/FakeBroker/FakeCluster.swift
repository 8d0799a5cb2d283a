import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization

/// A request a fake broker received, for assertions.
struct ReceivedRequest: Sendable {
    var broker: Int32
    var apiKey: ApiKey
    var version: Int16
    var correlationId: Int32
    var body: ByteBuffer

    func decode<Request: KafkaRequest>(_: Request.Type) throws -> Request { try Request.decode(body, version: version) }
}

/// One partition of the fake cluster: an in-memory log plus idempotent-producer state.
struct FakePartition {
    var leader: Int32
    var leaderEpoch: Int32 = 0
    var batches: [RecordBatch] = []
    var logStartOffset: Int64 = 0
    var logEndOffset: Int64 = 0
    /// producer id → (epoch, last sequence, recent batches as (first seq, last seq, base offset)).
    var producers: [Int64: (epoch: Int16, lastSequence: Int32, recent: [(Int32, Int32, Int64)])] = [:]
}

struct FakeTopic {
    var id: KafkaUUID
    var partitions: [FakePartition]
    var configs: [String: String] = [:]
}

/// Per-request override: return a reply to take over, or nil to let the fake answer normally.
typealias FakeHook = @Sendable (KafkaRequestFrame, _ broker: Int32) -> FakeReply?

/// An in-memory Kafka cluster of N fake brokers on loopback, small enough to reason about: enough of
/// ApiVersions, Metadata, Produce, Fetch, ListOffsets, InitProducerId, the admin APIs and a group
/// coordinator (`FakeGroups`) to drive the client, with hooks to inject errors, delays, closes and
/// malformed answers per request.
final class FakeCluster: Sendable {
    struct State {
        var ports: [Int32: Int] = [:]
        var controllerId: Int32 = 0
        var clusterId = "fake-cluster-id"
        var topics: [String: FakeTopic] = [:]
        /// What ApiVersions advertises; defaults to every broker API at its schema range.
        var apiRanges: [ApiKey: ClosedRange<Int16>] = FakeCluster.defaultRanges
        var hooks: [FakeHook] = []
        var received: [ReceivedRequest] = []
        var nextProducerId: Int64 = 1000
        var brokerConfigs: [String: String] = ["log.retention.hours": "168"]
        var autoCreatePartitions: Int32? = nil
    }

    let state = Mutex(State())
    /// The group coordinator (see `FakeGroups`).
    let groups = FakeGroups()
    private let servers: Mutex<[FakeBrokerServer]> = Mutex([])

    static let defaultRanges: [ApiKey: ClosedRange<Int16>] = Dictionary(
        uniqueKeysWithValues: KafkaAPI.all.filter { $0.listeners.contains("broker") }.map { ($0.key, $0.validVersions) })

    /// Starts `brokers` fake brokers (node ids 0..<brokers).
    static func start(brokers: Int = 1) async throws -> FakeCluster {
        let cluster = FakeCluster()
        for id in 0..<brokers {
            let server = try await FakeBrokerServer.start(nodeId: Int32(id), cluster: cluster)
            cluster.servers.withLock { $0.append(server) }
            cluster.state.withLock { $0.ports[Int32(id)] = server.port }
            cluster.groups.ports.withLock { $0[Int32(id)] = server.port }
        }
        cluster.groups.start()
        return cluster
    }

    func shutdown() async {
        groups.stop()
        for server in servers.withLock({ $0 }) { await server.stop() }
    }

    /// Stops one broker's listener and its open connections (a crash, as seen from the client).
    func stopBroker(_ id: Int32) async {
        guard let server = servers.withLock({ $0.first { $0.nodeId == id } }) else { return }
        await server.stop()
    }

    var bootstrap: [String] { state.withLock { $0.ports.sorted { $0.key < $1.key }.map { "127.0.0.1:\($0.value)" } } }

    func createTopic(_ name: String, partitions: Int, leaders: [Int32]? = nil, id: KafkaUUID = .random()) {
        state.withLock { state in
            let brokerCount = max(state.ports.count, 1)
            let parts = (0..<partitions).map { FakePartition(leader: leaders?[$0] ?? Int32($0 % brokerCount)) }
            state.topics[name] = FakeTopic(id: id, partitions: parts)
        }
    }

    func setLeader(_ tp: TopicPartition, to broker: Int32) {
        state.withLock { state in
            state.topics[tp.topic]?.partitions[Int(tp.partition)].leader = broker
            state.topics[tp.topic]?.partitions[Int(tp.partition)].leaderEpoch += 1
        }
    }

    func addHook(_ hook: @escaping FakeHook) { state.withLock { $0.hooks.append(hook) } }

    func received(_ key: ApiKey) -> [ReceivedRequest] { state.withLock { $0.received.filter { $0.apiKey == key } } }

    /// Every record of a partition, decoded, in offset order.
    func records(_ tp: TopicPartition) -> [Record] {
        let batches = state.withLock { $0.topics[tp.topic]?.partitions[Int(tp.partition)].batches ?? [] }
        return batches.flatMap { (try? $0.decodeRecords()) ?? [] }
    }

    func partitionState(_ tp: TopicPartition) -> FakePartition? {
        state.withLock { $0.topics[tp.topic]?.partitions[Int(tp.partition)] }
    }

    /// Appends records straight into a partition's log (as if produced), returning the batch's base offset.
    @discardableResult
    func append(_ tp: TopicPartition, values: [String], timestamp: Int64 = 1_700_000_000_000, keys: [String?]? = nil) -> Int64 {
        var builder = RecordBatchBuilder()
        for (index, value) in values.enumerated() {
            let key = keys?[index].map { ByteBuffer(string: $0) }
            builder.append(key: key, value: ByteBuffer(string: value), timestamp: timestamp + Int64(index))
        }
        guard var batch = try? builder.build() else { return -1 }
        return state.withLock { state in
            guard var partition = state.topics[tp.topic]?.partitions[Int(tp.partition)] else { return -1 }
            let base = partition.logEndOffset
            batch.baseOffset = base
            partition.batches.append(batch)
            partition.logEndOffset = batch.nextOffset
            state.topics[tp.topic]?.partitions[Int(tp.partition)] = partition
            return base
        }
    }

    /// Appends a prepared batch (for example a control batch) at the log end.
    func append(_ tp: TopicPartition, batch: RecordBatch) {
        var batch = batch
        state.withLock { state in
            guard var partition = state.topics[tp.topic]?.partitions[Int(tp.partition)] else { return }
            batch.baseOffset = partition.logEndOffset
            partition.batches.append(batch)
            partition.logEndOffset = batch.nextOffset
            state.topics[tp.topic]?.partitions[Int(tp.partition)] = partition
        }
    }

    /// Routes one request: hooks first, then the fake's own handling.
    func handle(_ frame: KafkaRequestFrame, broker: Int32) -> FakeReply {
        let hooks = state.withLock { state in
            state.received.append(ReceivedRequest(
                broker: broker, apiKey: frame.apiKey, version: frame.apiVersion, correlationId: frame.correlationId,
                body: frame.body))
            return state.hooks
        }
        for hook in hooks { if let reply = hook(frame, broker) { return reply } }
        do {
            if let reply = try groups.handle(frame, broker: broker) { return reply }
            return try answer(frame, broker: broker)
        } catch {
            return .close
        }
    }

    private func answer(_ frame: KafkaRequestFrame, broker: Int32) throws -> FakeReply {
        switch frame.apiKey {
        case .apiVersions: return apiVersions(frame)
        case .metadata: return try metadata(frame)
        case .produce: return try produce(frame, broker: broker)
        case .fetch: return try fetch(frame, broker: broker)
        case .listOffsets: return try listOffsets(frame, broker: broker)
        case .initProducerId: return try initProducerId(frame)
        case .createTopics: return try createTopics(frame)
        case .deleteTopics: return try deleteTopics(frame)
        case .createPartitions: return try createPartitions(frame)
        case .describeConfigs: return try describeConfigs(frame)
        case .incrementalAlterConfigs: return try incrementalAlterConfigs(frame)
        case .describeCluster: return try describeCluster(frame)
        default: return .close
        }
    }
}
