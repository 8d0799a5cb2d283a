import Synchronization

/// Tells a running bench's loops to stop early (Ctrl-C, or the fault schedule failed); they finish
/// what is in flight and report what they measured.
public final class StopSignal: Sendable {
    private let raised = Atomic(false)

    public init() {}

    public func raise() { raised.store(true, ordering: .relaxed) }

    public var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Runs `count` loops together. The first to fail raises the signal, so that the others finish
    /// what they have in flight and stop; then its error is thrown.
    func runLoops(_ count: Int, _ loop: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count { group.addTask { try await loop(index) } }
            do {
                try await group.waitForAll()
            } catch {
                raise()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// A moment that happens once (the producers finished), shared between tasks.
final class Milestone: Sendable {
    private let nanos = Atomic<Int64>(-1)

    func mark(at elapsedNanos: Int64) { nanos.store(elapsedNanos, ordering: .releasing) }

    /// When it happened, in run time; nil before.
    var reachedAt: Int64? {
        let value = nanos.load(ordering: .acquiring)
        return value < 0 ? nil : value
    }
}
