import Synchronization

/// The acks=all produces waiting on one leader partition for the high watermark to pass their records
/// (Kafka's `DelayedProduce` purgatory). Kept in offset order, so a high watermark move resumes only
/// the produces it satisfies: thousands of pipelined small produces cost one comparison each when
/// their turn comes, not a wake-up on every move.
final class AcknowledgementWaiters: Sendable {
    /// What a produce saw before it checked its acknowledgement: a release after that reaches it even
    /// if it happened before the produce parked.
    struct Ticket: Sendable {
        fileprivate let releasedUpTo: Int64
        fileprivate let resets: UInt64
    }

    private struct Entry {
        let offset: Int64
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var nextId: UInt64 = 0
        /// Sorted by offset.
        var entries: [Entry] = []
        var releasedUpTo: Int64 = -1
        var resets: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Produces waiting here (the partition's share of the produce purgatory).
    var count: Int { state.withLock { $0.entries.count } }

    func ticket() -> Ticket { state.withLock { Ticket(releasedUpTo: $0.releasedUpTo, resets: $0.resets) } }

    /// Returns once the high watermark reached `offset`, the partition changed role, or `deadline`
    /// passed; the caller then checks its acknowledgement again.
    func wait(for offset: Int64, after ticket: Ticket, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park(id: id, offset: offset, ticket: ticket) }
            group.addTask {
                // Cancelled once the produce was released: then there is nobody to time out.
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                self.resume(id: id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Resumes every produce waiting for an offset at or below `highWatermark`.
    func release(upTo highWatermark: Int64) {
        let ready = state.withLock { state -> [Entry] in
            state.releasedUpTo = max(state.releasedUpTo, highWatermark)
            let count = state.entries.prefix { $0.offset <= highWatermark }.count
            defer { state.entries.removeFirst(count) }
            return Array(state.entries.prefix(count))
        }
        for entry in ready { entry.continuation.resume() }
    }

    /// Resumes every produce (a change of role: they fail or finish on their next check).
    func releaseAll() {
        let all = state.withLock { state -> [Entry] in
            state.resets += 1
            state.releasedUpTo = -1
            defer { state.entries.removeAll(keepingCapacity: true) }
            return state.entries
        }
        for entry in all { entry.continuation.resume() }
    }

    private func park(id: UInt64, offset: Int64, ticket: Ticket) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = Task.isCancelled  // then onCancel already ran, before this entry existed
                let resumeNow = state.withLock { state -> Bool in
                    if cancelled || state.resets != ticket.resets || offset <= state.releasedUpTo { return true }
                    let index = state.entries.partitioningIndex { $0.offset > offset }
                    state.entries.insert(Entry(offset: offset, id: id, continuation: continuation), at: index)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            resume(id: id)
        }
    }

    /// Resumes one produce (its deadline passed, or its task was cancelled), if it still waits.
    private func resume(id: UInt64) {
        let entry = state.withLock { state -> Entry? in
            guard let index = state.entries.firstIndex(where: { $0.id == id }) else { return nil }
            return state.entries.remove(at: index)
        }
        entry?.continuation.resume()
    }
}

extension Array {
    /// The first index whose element satisfies `belongsToSecondPart`, for an array already partitioned
    /// by it (binary search).
    fileprivate func partitioningIndex(where belongsToSecondPart: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongsToSecondPart(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
