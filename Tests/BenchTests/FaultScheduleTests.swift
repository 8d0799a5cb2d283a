import Bench
import Testing

/// Fault schedules as people write them, and the chart that shows them.
@Suite struct FaultScheduleTests {
    @Test func theIssuesExampleParses() throws {
        let schedule = try FaultSchedule(parsing: "20s restart all; 10s kill leader(orders,0); 25s pause controller ; 30s resume 2; 1500ms kill coordinator(dashboard)")
        #expect(schedule.entries == [
            .init(at: .milliseconds(1500), action: .kill, target: .coordinator(group: "dashboard")),
            .init(at: .seconds(10), action: .kill, target: .leader(topic: "orders", partition: 0)),
            .init(at: .seconds(20), action: .restart, target: .all),
            .init(at: .seconds(25), action: .pause, target: .controller),
            .init(at: .seconds(30), action: .resume, target: .node(2)),
        ])
        #expect(schedule.description.hasPrefix("1.5s kill coordinator(dashboard); 10s kill leader(orders,0); 20s restart all"))
        #expect(schedule.entries[1].description == "10s kill leader(orders,0)")
        #expect(try FaultSchedule(parsing: "10s kill leader(orders, 3)").entries[0].target == .leader(topic: "orders", partition: 3))
    }

    @Test func mistakesAreExplained() {
        func message(_ text: String) -> String {
            do {
                _ = try FaultSchedule(parsing: text)
                return "parsed"
            } catch {
                return error.description
            }
        }
        #expect(message("10s explode 2").contains("unknown fault 'explode'"))
        #expect(message("soon kill 2").contains("is not a duration"))
        #expect(message("10s kill").contains("TIME ACTION TARGET"))
        #expect(message("10s kill leader(orders)").contains("leader(TOPIC,PARTITION)"))
        #expect(message("10s kill broker-2").contains("unknown fault target 'broker-2'"))
        #expect(message(" ; ").contains("no fault"))
        #expect(message("10s latency 2").contains("needs a target and an amount"))
        #expect(message("10s drop 2 150%").contains("percentage from 0 to 100"))
        #expect(message("10s slow-disk 2 soon").contains("takes a time like 50ms"))
    }

    @Test func networkAndDiskFaultsParseWithTheirAmounts() throws {
        let schedule = try FaultSchedule(
            parsing: "30s isolate 2; 40s heal; 45s latency leader(orders, 0) 50ms; 50s drop 3 10%; 55s slow-disk 1 20; 60s disk-full controller; 70s heal 1")
        #expect(schedule.entries == [
            .init(at: .seconds(30), action: .isolate, target: .node(2)),
            .init(at: .seconds(40), action: .heal, target: .all),
            .init(at: .seconds(45), action: .latency, target: .leader(topic: "orders", partition: 0), amount: 50),
            .init(at: .seconds(50), action: .drop, target: .node(3), amount: 10),
            .init(at: .seconds(55), action: .slowDisk, target: .node(1), amount: 20),
            .init(at: .seconds(60), action: .diskFull, target: .controller),
            .init(at: .seconds(70), action: .heal, target: .node(1)),
        ])
        #expect(schedule.entries[2].description == "45s latency leader(orders,0) 50ms")
        #expect(schedule.entries[3].description == "50s drop 3 10%")
    }

    @Test func theChartShowsFaultsDowntimeAndBothLanes() {
        var report = BenchReport(kind: "e2e", topic: "orders", bootstrap: "127.0.0.1:9092", startedAt: "2026-11-22T00:00:00Z", settings: ["rate": "1000", "acks": "all"])
        let latency = LatencySummary(count: 1000, mean: 2, p50: 1.5, p90: 3, p95: 4, p99: 8, p999: 20, p9999: 30, max: 40)
        for second in 1...10 {
            let stats = IntervalStats(second: second, warmup: false, records: 1000, bytes: 100_000, errors: 0, latency: latency)
            report.series.append(.init(second: second, produced: stats, consumed: stats))
        }
        report.produced = LaneTotals(records: 10_000, bytes: 1_000_000, errors: 0, seconds: 10, latency: latency, firstErrors: [])
        report.consumed = report.produced
        report.faults = [
            FaultEvent(timeMs: 3000, action: "kill 2 (leader(orders,0))", fault: "kill", nodes: [2], durationMs: 20),
            FaultEvent(timeMs: 7000, action: "restart 2, 1, 3", fault: "restart", nodes: [2, 1, 3], durationMs: 3000),
        ]
        let svg = SVGChart.render(report)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("gregor bench e2e · orders · 1000 rec/s · acks=all"))
        #expect(svg.contains(">kill 2 (leader(orders,0))</text>") && svg.contains(">restart 2, 1, 3</text>"))
        #expect(svg.contains("<title>broker 2 down or cut off</title>"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 5)
        #expect(svg.contains("end-to-end latency (ms)"))
    }
}

/// Chaos schedules: the same seed gives the same schedule; never more than one broker down; healed
/// before the quiet end.
@Suite struct ChaosScheduleTests {
    @Test func aSeedReplaysItsScheduleAndKeepsThePromise() {
        for seed in UInt64(1)...200 {
            let schedule = ChaosSchedule.generate(seed: seed, duration: .seconds(60), brokers: [1, 2, 3])
            #expect(schedule == ChaosSchedule.generate(seed: seed, duration: .seconds(60), brokers: [1, 2, 3]))
            var down: Set<Int32> = []
            for entry in schedule.entries {
                guard case .node(let node) = entry.target else { Issue.record("chaos targets node ids: \(entry)"); continue }
                switch entry.action {
                case .kill, .pause, .isolate:
                    #expect(!down.contains(node))
                    down.insert(node)
                case .resume, .heal:
                    #expect(down.remove(node) != nil)
                case .restart:
                    if down.remove(node) == nil { #expect(down.isEmpty, "a bounce while another broker is down: \(schedule)") }
                case .latency, .drop, .slowDisk, .diskFull:
                    Issue.record("chaos injects process faults and isolation only: \(entry)")
                }
                #expect(down.count <= 1, "seed \(seed): \(schedule)")
                #expect(entry.at <= .seconds(48))
            }
            #expect(down.isEmpty, "seed \(seed) ends with brokers down: \(schedule)")
        }
        let actions = Set((UInt64(1)...50).flatMap { ChaosSchedule.generate(seed: $0, duration: .seconds(60), brokers: [1, 2, 3]).entries.map(\.action) })
        #expect(actions == [.kill, .pause, .resume, .restart, .isolate, .heal])
        #expect(ChaosSchedule.generate(seed: 1, duration: .seconds(60), brokers: [1, 2, 3]) != ChaosSchedule.generate(seed: 2, duration: .seconds(60), brokers: [1, 2, 3]))
    }
}
