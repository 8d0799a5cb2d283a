import Synchronization

/// The result of work running in its own task, which callers may wait for with a deadline and stop
/// waiting for without stopping the work (Kafka's consumer keeps a JoinGroup going across polls in
/// the same way: `poll(timeout)` returns, the join goes on, the next poll picks it up).
final class PendingResult<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init() {}

    /// Starts `work` in a new task.
    static func start(_ work: @escaping @Sendable () async -> Value) -> PendingResult {
        let result = PendingResult()
        let handle = Task { [weak result] in
            let value = await work()
            result?.complete(value)
        }
        result.task.withLock { $0 = handle }
        return result
    }

    var isDone: Bool { state.withLock { $0.value != nil } }

    /// The value, or nil when `deadline` passes first (or the waiting task is cancelled).
    func value(until deadline: ContinuousClock.Instant) async -> Value? {
        if let value = state.withLock({ $0.value }) { return value }
        return await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.wait() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Cancels the work (its task sees `Task.isCancelled`).
    func cancel() { task.withLock { $0?.cancel() } }

    private func wait() async -> Value? {
        let id = state.withLock { state -> Int in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let ready = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    private func complete(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }
}
