import Foundation
import Raft
import Simulation
import Testing

/// Seeded runs of whole quorums under message loss, delay, duplication, isolation, crashes, restarts,
/// resignations and snapshots, then healing. Safety is checked after every step (RaftSimulation); liveness at the end:
/// once everything is healed the quorum has one leader and every node holds the same committed log.
/// `make simulate SEEDS=n` runs more seeds; `SIMULATION_SEED=k` replays seed k.
@Suite("Raft simulation")
struct RaftSimulationTests {
    /// The seeds are split in two shares that run in parallel, each on a thread of its own.
    @Test(arguments: 0..<2)
    func safetyUnderFaultsAndLivenessAfterHealing(share: Int) async {
        let seeds = SimulationSeeds.seeds(defaultCount: 1000, environment: ProcessInfo.processInfo.environment)
        let (failures, installs) = await SimulationThread.run {
            var failures: [String] = []
            var installs = 0
            for (index, seed) in seeds.enumerated() where index % 2 == share {
                if let failure = RaftSimulationTests().runScenario(seed: seed, installs: &installs) { failures.append(failure) }
                if failures.count >= 5 { break }
            }
            return (failures, installs)
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))\nreplay one with SIMULATION_SEED=<seed> swift test --filter RaftSimulationTests")
        // The scenario must reach the snapshot path: nodes that fall behind a snapshot download it.
        if seeds.count >= 100 { #expect(installs > 0, "no node downloaded a snapshot in \(seeds.count / 2) seeds") }
    }

    /// A node that was down while the others snapshotted past its log end catches up by downloading a
    /// snapshot in chunks, then fetching entries, and ends with the same log.
    @Test func aNodeBehindTheSnapshotsCatchesUpThroughFetchSnapshot() throws {
        let sim = RaftSimulation(seed: 42, voters: [1, 2, 3], faults: .init(dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 3))
        sim.run(until: 3_000, eventEveryMs: 20) { $0.appendOnLeader() }
        // A follower goes down (the leader's crash is the elections' business, tested elsewhere).
        let down = try #require(([1, 2, 3] as [Int32]).first { $0 != sim.currentLeader })
        let up = ([1, 2, 3] as [Int32]).filter { $0 != down }
        sim.crash(down)
        sim.run(until: 6_000, eventEveryMs: 20) { $0.appendOnLeader() }
        for id in up { sim.snapshot(on: id) }
        #expect(sim.nodes[up[0]]!.log.startOffset > sim.nodes[down]!.log.endOffset)
        sim.start(down)
        sim.run(until: 9_000, eventEveryMs: 20) { $0.appendOnLeader() }
        sim.run(until: 11_000, eventEveryMs: 10_000) { _ in }
        #expect(sim.violations.isEmpty, "\(sim.violations)")
        #expect(sim.nodes[down]!.log.installs == 1)
        #expect(checkConverged(sim) == nil, "\(checkConverged(sim) ?? "")")
    }

    /// One seed: returns a description of what went wrong, or nil.
    func runScenario(seed: UInt64, installs: inout Int) -> String? {
        var sim: RaftSimulation?
        defer { installs += sim?.nodes.values.map(\.log.installs).reduce(0, +) ?? 0 }
        return runScenario(seed: seed, keeping: &sim)
    }

    func runScenario(seed: UInt64, keeping kept: inout RaftSimulation?) -> String? {
        var setup = SeededRandom(seed: seed ^ 0x5EED)
        let voters: [Int32] = setup.chance(0.25) ? [1, 2, 3, 4, 5] : [1, 2, 3]
        let observers: [Int32] = setup.chance(0.3) ? [100] : []
        let faults = SimulatedNetwork<RaftMessage>.Faults(
            dropRate: Double.random(in: 0...0.05, using: &setup), duplicateRate: Double.random(in: 0...0.03, using: &setup),
            minDelayMs: 1, maxDelayMs: Int64.random(in: 2...40, using: &setup))
        let sim = RaftSimulation(seed: seed, voters: voters, observers: observers, faults: faults)
        kept = sim

        // Chaos: appends, crashes, restarts, isolation, resignations.
        sim.run(until: 15_000, eventEveryMs: 60) { sim in
            let all = sim.nodes.keys.sorted()
            let roll = Int.random(in: 0..<100, using: &sim.random)
            switch roll {
            case 0..<66: sim.appendOnLeader()
            case 66..<70:
                if let node = sim.live.randomElement(using: &sim.random) { sim.snapshot(on: node) }
            case 70..<78:
                if let victim = sim.live.randomElement(using: &sim.random) {
                    sim.crash(victim)
                    // Sometimes its followers notice at once (the broker's liveness probe).
                    if sim.random.chance(0.5) { sim.reportUnreachable(victim) }
                }
            case 78..<88:
                if let dead = all.filter({ sim.nodes[$0]?.raft == nil }).randomElement(using: &sim.random) { sim.start(dead) }
            case 88..<93:
                if let node = all.randomElement(using: &sim.random) { sim.network.isolate(node) }
            case 93..<98: sim.network.healAll()
            default:
                if let leader = sim.currentLeader, let raft = sim.nodes[leader]?.raft { sim.apply(raft.resign(now: sim.now), from: leader) }
            }
        }
        if let violation = sim.violations.first { return violation }

        // Healing: everyone back, a reliable network, appends go on; then a quiet period.
        sim.network.healAll()
        sim.network.faults = .init(dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 5)
        for id in sim.nodes.keys.sorted() where sim.nodes[id]?.raft == nil { sim.start(id) }
        sim.run(until: 23_000, eventEveryMs: 50) { sim in
            if Int.random(in: 0..<20, using: &sim.random) == 0, let node = sim.live.randomElement(using: &sim.random) {
                sim.snapshot(on: node)
            } else {
                sim.appendOnLeader()
            }
        }
        sim.run(until: 27_000, eventEveryMs: 10_000) { _ in }
        if let violation = sim.violations.first { return violation }
        return checkConverged(sim)
    }

    func checkConverged(_ sim: RaftSimulation) -> String? {
        guard let leader = sim.currentLeader, let leaderRaft = sim.nodes[leader]?.raft else {
            return "seed \(sim.seed): no leader after healing"
        }
        let leaders = sim.live.filter { sim.nodes[$0]!.raft!.isLeader && sim.nodes[$0]!.raft!.epoch == leaderRaft.epoch }
        guard leaders == [leader] else { return "seed \(sim.seed): leaders \(leaders) in epoch \(leaderRaft.epoch)" }
        let expected = sim.nodes[leader]!.log.materialized
        guard leaderRaft.highWatermark == Int64(expected.count) else {
            return "seed \(sim.seed): leader \(leader) high watermark \(leaderRaft.highWatermark) below its log end \(expected.count) after a quiet period"
        }
        guard expected.count > 50 else { return "seed \(sim.seed): only \(expected.count) entries committed: the quorum made little progress" }
        for id in sim.live {
            let node = sim.nodes[id]!
            let held = node.log.materialized
            if held != expected { return "seed \(sim.seed): node \(id)'s log differs from leader \(leader)'s (\(held.count) vs \(expected.count) entries)" }
            if node.raft!.highWatermark != leaderRaft.highWatermark {
                return "seed \(sim.seed): node \(id) high watermark \(node.raft!.highWatermark), leader's \(leaderRaft.highWatermark)"
            }
        }
        return nil
    }
}
