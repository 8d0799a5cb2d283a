import Bench
import Foundation
import Testing

/// Counting and reporting: the lane's warm-up and intervals, HdrHistogram percentiles, and the lines
/// that must read like Kafka's tools.
@Suite struct MeasureTests {
    @Test func warmupCountsPerSecondButNotInTheTotals() {
        let lane = LaneRecorder(warmupNanos: 1_000_000_000)
        for i in 0..<100 { lane.record(bytes: 10, latencyNanos: 50_000_000, startedNanos: Int64(i) * 5_000_000, nowNanos: Int64(i) * 5_000_000) }
        let first = lane.takeInterval(second: 1)
        #expect(first.records == 100 && first.bytes == 1000 && first.warmup)
        for i in 0..<1000 {
            let start = 1_000_000_000 + Int64(i) * 1_000_000
            lane.record(bytes: 10, latencyNanos: Int64(i + 1) * 1000, startedNanos: start, nowNanos: start)
        }
        lane.recordError("boom", nowNanos: 1_500_000_000)
        let second = lane.takeInterval(second: 2)
        #expect(second.records == 1000 && !second.warmup && second.errors == 1)
        let totals = lane.totals()
        #expect(totals.records == 1000 && totals.bytes == 10_000 && totals.errors == 1 && totals.firstErrors == ["boom"])
        #expect(abs(totals.seconds - 0.999) < 0.001)
        // Latencies 1 µs ... 1000 µs: the warm-up's 50 ms are not among them.
        let latency = try! #require(totals.latency)
        #expect(latency.count == 1000)
        #expect(abs(latency.p50 - 0.5) < 0.01 && abs(latency.p99 - 0.99) < 0.01 && abs(latency.max - 1.0) < 0.01)
        #expect(lane.allRecords == 1100)
    }

    @Test func producerLineIsKafkasProducerPerfTestLine() {
        let totals = LaneTotals(
            records: 1_000_000, bytes: 100_000_000, errors: 0, seconds: 10,
            latency: LatencySummary(count: 1_000_000, mean: 2.5, p50: 2.2, p90: 4, p95: 5.7, p99: 9.9, p999: 20.1, p9999: 30, max: 41.25),
            firstErrors: [])
        #expect(
            SummaryText.producer(totals)
                == "1000000 records sent, 100000.000000 records/sec (9.54 MB/sec), 2.50 ms avg latency, 41.25 ms max latency, 2 ms 50th, 5 ms 95th, 9 ms 99th, 20 ms 99.9th."
        )
        #expect(
            SummaryText.percentiles("produce", totals.latency!)
                == "produce latency (ms): p50 2.200, p90 4.000, p99 9.900, p99.9 20.100, p99.99 30.000, max 41.250 (1000000 samples)")
    }

    @Test func consumerLinesAreKafkasConsumerPerfTestLines() {
        let totals = LaneTotals(records: 200_000, bytes: 20_971_520, errors: 0, seconds: 2, latency: nil, firstErrors: [])
        let start = Int64(Date(timeIntervalSince1970: 1_795_000_000).timeIntervalSince1970 * 1e9)
        let lines = SummaryText.consumer(totals, startWallNanos: start, firstRecordNanos: 500_000_000, endNanos: 2_500_000_000).split(separator: "\n")
        #expect(lines[0] == "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec")
        let fields = lines[1].components(separatedBy: ", ")
        #expect(fields.count == 10)
        #expect(fields[0].hasSuffix(":000") && fields[1].hasSuffix(":500"))
        #expect(Array(fields[2...]) == ["20.0000", "8.0000", "200000", "80000.0000", "500", "2000", "10.0000", "100000.0000"])
    }

    @Test func endToEndLinesAreKafkasEndToEndLatencyLines() {
        let latency = LatencySummary(count: 10, mean: 1.23456, p50: 1.1, p90: 2, p95: 2.5, p99: 3.9, p999: 7.2, p9999: 8, max: 9)
        #expect(SummaryText.endToEnd(latency) == "Avg latency: 1.2346 ms\n\nPercentiles: 50th = 1, 99th = 3, 99.9th = 7")
    }

    @Test func historyFileRoundTrips() throws {
        var history = DeliveryHistory()
        history.sent = [0: 3, 1: 1]
        history.acknowledged = [
            .init(id: RecordId(producer: 0, sequence: 0), position: LogPosition(partition: 2, offset: 10), timeMs: 5),
            .init(id: RecordId(producer: 1, sequence: 0), position: LogPosition(partition: 0, offset: 0), timeMs: 7),
        ]
        history.failed = [RecordId(producer: 0, sequence: 2)]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try HistoryFile(run: 42, topic: "orders", history: history, faults: [FaultEvent(timeMs: 3, action: "kill 2")]).write(to: path)
        let read = try HistoryFile.read(from: path)
        #expect(read.run == 42 && read.topic == "orders")
        #expect(read.history.sent == history.sent && read.history.acknowledged == history.acknowledged && read.history.failed == history.failed)
        #expect(read.faults == [FaultEvent(timeMs: 3, action: "kill 2")])

        try Data("not a history\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: BenchError.self) { try HistoryFile.read(from: path) }
    }
}
