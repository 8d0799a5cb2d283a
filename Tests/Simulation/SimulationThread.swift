import Foundation

/// Runs a long, CPU-bound simulation on a thread of its own. Swift Testing runs tests on the
/// cooperative pool, which has one thread per core: a minute of simulation there starves the async
/// tests beside it (a broker's long poll waited 70 s in CI), while a thread of its own only shares
/// the CPU.
public enum SimulationThread {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
