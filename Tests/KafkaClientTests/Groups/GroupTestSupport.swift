import KafkaClient
import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization

/// Consumer settings for group tests: fast heartbeats, short timeouts, from the earliest offset.
func groupConfiguration(
    _ group: String, assignors: [any PartitionAssignor]? = nil, _ configure: (inout ConsumerConfiguration) -> Void = { _ in }
) -> ConsumerConfiguration {
    var configuration = ConsumerConfiguration()
    configuration.groupId = group
    configuration.fetchMaxWait = .milliseconds(50)
    configuration.heartbeatInterval = .milliseconds(50)
    configuration.sessionTimeout = .seconds(2)
    configuration.maxPollInterval = .seconds(10)
    configuration.autoOffsetReset = .earliest
    if let assignors { configuration.assignors = assignors }
    configure(&configuration)
    return configuration
}

/// Records what a rebalance listener heard, in order.
final class ListenerLog: ConsumerRebalanceListener, Sendable {
    enum Event: Equatable, CustomStringConvertible {
        case assigned([TopicPartition]), revoked([TopicPartition]), lost([TopicPartition])

        var description: String {
            switch self {
            case .assigned(let p): "assigned\(p)"
            case .revoked(let p): "revoked\(p)"
            case .lost(let p): "lost\(p)"
            }
        }
    }

    let events = Mutex<[Event]>([])
    /// Commit in the revoked callback (what applications typically do).
    let commitOnRevoke: Bool

    init(commitOnRevoke: Bool = false) { self.commitOnRevoke = commitOnRevoke }

    var all: [Event] { events.withLock { $0 } }

    func onPartitionsRevoked(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        events.withLock { $0.append(.revoked(partitions)) }
        if commitOnRevoke { try await consumer.commit() }
    }

    func onPartitionsAssigned(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        events.withLock { $0.append(.assigned(partitions)) }
    }

    func onPartitionsLost(_ partitions: [TopicPartition], consumer: KafkaConsumer) async throws {
        events.withLock { $0.append(.lost(partitions)) }
    }
}

/// Polls a consumer in a background task, as an application's poll loop does, keeping what it got.
final class PollLoop: Sendable {
    let consumer: KafkaConsumer
    private let records = Mutex<[ConsumerRecord]>([])
    private let failure = Mutex<KafkaClientError?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ consumer: KafkaConsumer) { self.consumer = consumer }

    static func start(_ consumer: KafkaConsumer) -> PollLoop {
        let loop = PollLoop(consumer)
        loop.task.withLock { $0 = Task { await loop.run() } }
        return loop
    }

    private func run() async {
        while !Task.isCancelled {
            do {
                let batch = try await consumer.poll(timeout: .milliseconds(100))
                records.withLock { $0 += batch }
            } catch let error as KafkaClientError {
                failure.withLock { $0 = error }
                if error.code == .closed { return }
                try? await Task.sleep(for: .milliseconds(20))
            } catch {
                return
            }
        }
    }

    var received: [ConsumerRecord] { records.withLock { $0 } }
    var values: [String] { received.map { $0.value.map { String(buffer: $0) } ?? "null" } }
    var lastError: KafkaClientError? { failure.withLock { $0 } }

    /// Stops polling (waits for the current poll to return).
    func stop() async {
        let handle = task.withLock { $0 }
        handle?.cancel()
        await handle?.value
    }

    /// Stops polling and closes the consumer.
    func close() async {
        await stop()
        await consumer.close()
    }
}

/// The assignments of several consumers, once each owns something and together they own exactly
/// `partitions` with no overlap.
func settledAssignments(_ consumers: [KafkaConsumer], partitions: Set<TopicPartition>, timeout: Duration = .seconds(15)) async -> [[TopicPartition]]? {
    var result: [[TopicPartition]] = []
    let ok = await eventually(timeout: timeout) {
        result = []
        for consumer in consumers { result.append(await consumer.assignment.sorted()) }
        let all = result.flatMap { $0 }
        return all.count == partitions.count && Set(all) == partitions && result.allSatisfy { !$0.isEmpty }
    }
    return ok ? result : nil
}

extension FakeCluster {
    func partitions(_ topic: String, _ count: Int) -> Set<TopicPartition> { Set((0..<count).map { TopicPartition(topic, Int32($0)) }) }

    func joinRequests() -> [JoinGroupRequest] { received(.joinGroup).compactMap { try? $0.decode(JoinGroupRequest.self) } }
}

/// A flag that is set once; `setOnce()` is true for the first caller only.
final class AtomicFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func setOnce() -> Bool { !flag.exchange(true, ordering: .relaxed) }
}

/// A counter; `increment()` returns the new value.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}
