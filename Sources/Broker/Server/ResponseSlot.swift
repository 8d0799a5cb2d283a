import Synchronization

/// One request's place in its connection's answer order. The connection reads the next request once
/// this one is released: when its answer is ready, or earlier when the handler says the part that
/// must happen in request order is done (a Produce's appends; its wait for the ISR may then overlap
/// the next requests). Answers still go out strictly in request order.
final class ResponseSlot: Sendable {
    private struct State {
        var released = false
        var outcome: RequestRouter.Outcome?
        var releaseWaiters: [CheckedContinuation<Void, Never>] = []
        var outcomeWaiters: [CheckedContinuation<RequestRouter.Outcome, Never>] = []
    }

    private let state = Mutex(State())

    /// Lets the connection read its next request (idempotent).
    func release() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.released else { return [] }
            state.released = true
            defer { state.releaseWaiters = [] }
            return state.releaseWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The request's answer is ready; releases the slot too.
    func fulfil(_ outcome: RequestRouter.Outcome) {
        let waiters = state.withLock { state -> [CheckedContinuation<RequestRouter.Outcome, Never>] in
            state.outcome = outcome
            defer { state.outcomeWaiters = [] }
            return state.outcomeWaiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
        release()
    }

    /// Whether the answer is ready and closes the connection.
    var closesConnection: Bool {
        state.withLock { if case .close = $0.outcome { true } else { false } }
    }

    func waitForRelease() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.released { return true }
                state.releaseWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func outcome() async -> RequestRouter.Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<RequestRouter.Outcome, Never>) in
            let ready = state.withLock { state -> RequestRouter.Outcome? in
                if let outcome = state.outcome { return outcome }
                state.outcomeWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
