import Benchmark
import KafkaRecords
import LogStorage
import NIOCore
import Workloads

/// The partition log on real files (POSIX, no fsync per append: Kafka's default `flush.messages`):
/// a leader's append of one produce batch, and a fetch-sized read.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 5_000  // bounds the disk an append run writes (5,000 × 16 KiB = 80 MiB)
    )
    appendBenchmarks()
    readBenchmarks()
}

func appendBenchmarks() {
    let log = ScratchLog(name: "append")
    let batch = Workload.batch(bytes: 16 << 10)
    Benchmark("LogStorage appendAsLeader 16 KiB batch (\(batch.recordCount) records)") { benchmark in
        guard let partition = log.partition else { return benchmark.error("log not open") }
        for _ in benchmark.scaledIterations {
            do {
                blackHole(try partition.appendAsLeader(batch.bytes, leaderEpoch: 0, now: ScratchLog.now))
            } catch {
                benchmark.error("\(error)")
            }
        }
    } setup: {
        try log.open()
    } teardown: {
        try log.remove()
    }
}

func readBenchmarks() {
    let log = ScratchLog(name: "read")
    let batch = Workload.batch(bytes: 16 << 10)
    let batches = 2_048  // 32 MiB of log
    let stride = Int64(batch.recordCount)
    let setup: @Sendable () async throws -> Void = {
        try log.open()
        guard let partition = log.partition else { return }
        for _ in 0..<batches { _ = try partition.appendAsLeader(batch.bytes, leaderEpoch: 0, now: ScratchLog.now) }
    }
    Benchmark("LogStorage read 1 MiB: plan only (index lookup, no I/O)") { benchmark in
        guard let partition = log.partition else { return benchmark.error("log not open") }
        var offset: Int64 = 0
        for _ in benchmark.scaledIterations {
            offset = (offset + 97 * stride) % (Int64(batches - 64) * stride)
            do { blackHole(try partition.read(from: offset, maxBytes: 1 << 20)) } catch { benchmark.error("\(error)") }
        }
    } setup: {
        try await setup()
    } teardown: {
        try log.remove()
    }
    Benchmark("LogStorage read 1 MiB: plan + pread into a buffer") { benchmark in
        guard let partition = log.partition else { return benchmark.error("log not open") }
        var offset: Int64 = 0
        for _ in benchmark.scaledIterations {
            offset = (offset + 97 * stride) % (Int64(batches - 64) * stride)
            do {
                for slice in try partition.read(from: offset, maxBytes: 1 << 20).slices { blackHole(try slice.readBytes()) }
            } catch {
                benchmark.error("\(error)")
            }
        }
    } setup: {
        try await setup()
    } teardown: {
        try log.remove()
    }
}
