/// `gregor bench chaos`: a random fault schedule that replays exactly from its seed. Brokers are killed,
/// paused, isolated from the other brokers or bounced at random moments and brought back later, never more than `maxDown` at a time, so
/// that a topic with replication factor − `min.insync.replicas` ≥ `maxDown` keeps Kafka's promise; the
/// last fifth of the run has no new fault, so the cluster heals before the check reads everything back.
public enum ChaosSchedule {
    public static func generate(seed: UInt64, duration: Duration, brokers: [Int32], maxDown: Int = 1) -> FaultSchedule {
        var random = BenchRandom(seed: seed)
        let total = duration.nanoseconds / 1_000_000
        let quietFrom = total * 4 / 5
        var entries: [FaultSchedule.Entry] = []
        var down: [Int32: FaultSchedule.Action] = [:]  // node → how it went down (kill, pause or isolate)
        var now: Int64 = 2000
        while brokers.count > 1, now < quietFrom {
            let heal = !down.isEmpty && (down.count >= maxDown || random.next() % 2 == 0)
            if heal {
                let node = down.keys.sorted()[Int(random.next() % UInt64(down.count))]
                entries.append(.init(at: .milliseconds(now), action: Self.healing(down[node]), target: .node(node)))
                down[node] = nil
            } else {
                let candidates = brokers.filter { down[$0] == nil }
                let node = candidates[Int(random.next() % UInt64(candidates.count))]
                switch random.next() % 4 {
                case 0:
                    entries.append(.init(at: .milliseconds(now), action: .kill, target: .node(node)))
                    down[node] = .kill
                case 1:
                    entries.append(.init(at: .milliseconds(now), action: .pause, target: .node(node)))
                    down[node] = .pause
                case 2:
                    entries.append(.init(at: .milliseconds(now), action: .isolate, target: .node(node)))
                    down[node] = .isolate
                default:
                    // A bounce: the broker stops cleanly and starts again (down while it restarts).
                    if down.count < maxDown { entries.append(.init(at: .milliseconds(now), action: .restart, target: .node(node))) }
                }
            }
            now += 3000 + Int64(random.next() % 5000)
        }
        for node in down.keys.sorted() {
            entries.append(.init(at: .milliseconds(min(now, quietFrom)), action: Self.healing(down[node]), target: .node(node)))
        }
        return FaultSchedule(entries: entries)
    }

    /// What brings back a broker that went down by `fault`.
    static func healing(_ fault: FaultSchedule.Action?) -> FaultSchedule.Action {
        switch fault {
        case .pause: .resume
        case .isolate: .heal
        default: .restart
        }
    }
}
