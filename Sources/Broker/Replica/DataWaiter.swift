import Synchronization

/// One long-polling fetch waiting for data (Kafka's DelayedFetch, reduced to its wake-up): woken
/// when a partition it reads advances its high watermark, when its wait ends, or when cancelled.
final class DataWaiter: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case woken
    }

    private let state = Mutex(State.idle)

    /// Wakes the waiter (once; later calls do nothing).
    func wake() {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state {
            case .waiting(let continuation):
                state = .woken
                return continuation
            case .idle:
                state = .woken
                return nil
            case .woken:
                return nil
            }
        }
        continuation?.resume()
    }

    /// Returns when woken or at `deadline`, whichever is first.
    func wait(until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilWoken() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                self.wake()
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilWoken() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if case .woken = state { return true }
                    state = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
    }
}

/// The waiters registered on one partition, all woken when it gets new readable data.
final class DataWaiters: Sendable {
    private let waiters = Mutex<[ObjectIdentifier: DataWaiter]>([:])

    func register(_ waiter: DataWaiter) { waiters.withLock { $0[ObjectIdentifier(waiter)] = waiter } }

    func unregister(_ waiter: DataWaiter) { _ = waiters.withLock { $0.removeValue(forKey: ObjectIdentifier(waiter)) } }

    /// Wakes and forgets every waiter.
    func wakeAll() {
        let woken = waiters.withLock { waiters -> [DataWaiter] in
            defer { waiters.removeAll(keepingCapacity: true) }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.wake() }
    }
}
