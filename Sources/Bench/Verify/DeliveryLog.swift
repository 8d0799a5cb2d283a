import Synchronization

/// Collects a run's `DeliveryHistory` from producer callbacks on any thread.
public final class DeliveryLog: Sendable {
    private let history = Mutex(DeliveryHistory())

    public init() {}

    public func acknowledged(_ id: RecordId, at position: LogPosition, timeMs: Int64) {
        history.withLock { $0.acknowledged.append(.init(id: id, position: position, timeMs: timeMs)) }
    }

    public func failed(_ id: RecordId) {
        history.withLock { $0.failed.append(id) }
    }

    /// A producer has sent sequences 0..<count.
    public func sent(producer: Int32, count: Int64) {
        history.withLock { $0.sent[producer] = count }
    }

    public var snapshot: DeliveryHistory { history.withLock { $0 } }
}
