/// A broken invariant in a replication simulation run, with the seed that replays it.
struct SimulationFailure: Error, CustomStringConvertible {
    var seed: UInt64
    var timeMs: Int64
    var message: String
    var recentEvents: [String]

    var description: String {
        "seed \(seed) failed at \(timeMs) ms (replay: SIMULATION_SEED=\(seed)): \(message)\nrecent events:\n  "
            + recentEvents.joined(separator: "\n  ")
    }
}
