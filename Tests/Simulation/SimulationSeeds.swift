/// Which seeds a simulation test runs: `SIMULATION_SEED=n` replays one seed, `SIMULATION_SEEDS=n` runs
/// n seeds from 1 (`make simulate SEEDS=n`), otherwise `defaultCount` (what `make test` runs).
public enum SimulationSeeds {
    public static func seeds(defaultCount: Int, environment: [String: String]) -> [UInt64] {
        if let one = environment["SIMULATION_SEED"].flatMap(UInt64.init) { return [one] }
        let count = environment["SIMULATION_SEEDS"].flatMap(Int.init) ?? defaultCount
        return (1...UInt64(max(1, count))).map { $0 }
    }
}
