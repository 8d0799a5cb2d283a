import Benchmark
import KafkaRecords
import NIOCore
import Workloads

/// The hot paths of KafkaRecords: CRC-32C, the broker's produce-path checks, the producer's builder and
/// the consumer's record iterator. Sizes follow Kafka's defaults: 16 KiB is `batch.size`, 1 MiB is
/// `message.max.bytes`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
    crcBenchmarks()
    validationBenchmarks()
    builderBenchmarks()
    iterationBenchmarks()
}

func crcBenchmarks() {
    for (label, size) in [("1 KiB", 1 << 10), ("1 MiB", 1 << 20)] {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        Benchmark("CRC32C hardware \(label)") { benchmark in
            bytes.withUnsafeBytes { raw in
                for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(raw)) }
            }
        }
        Benchmark("CRC32C software \(label)") { benchmark in
            bytes.withUnsafeBytes { raw in
                for _ in benchmark.scaledIterations { blackHole(CRC32C.softwareChecksum(raw)) }
            }
        }
    }
}

func validationBenchmarks() {
    for (label, size) in [("16 KiB", 16 << 10), ("1 MiB", 1 << 20)] {
        let batch = Workload.batch(bytes: size)
        Benchmark("Validate CRC + framing \(label) (\(batch.recordCount) records)") { benchmark in
            for _ in benchmark.scaledIterations {
                do {
                    try batch.validateProducedBatch()
                } catch {
                    benchmark.error("\(error)")
                }
            }
        }
        Benchmark("Validate framing only \(label)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try? batch.validateRecordFraming()) }
        }
    }
}

func builderBenchmarks() {
    for compression in [CompressionType.none, .gzip] {
        Benchmark("Build 16 KiB batch of 100-byte records, \(compression)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(Workload.batch(bytes: 16 << 10, compression: compression)) }
        }
    }
}

func iterationBenchmarks() {
    let cases: [(String, RecordBatch)] = [
        ("16 KiB", Workload.batch(bytes: 16 << 10)),
        ("1 MiB", Workload.batch(bytes: 1 << 20)),
        ("16 KiB gzip", Workload.batch(bytes: 16 << 10, compression: .gzip)),
    ]
    for (label, batch) in cases {
        Benchmark("Iterate records \(label) (\(batch.recordCount) records)") { benchmark in
            for _ in benchmark.scaledIterations {
                do {
                    var iterator = try batch.records()
                    var total = 0
                    while let record = try iterator.next() { total &+= record.value?.readableBytes ?? 0 }
                    blackHole(total)
                } catch {
                    benchmark.error("\(error)")
                }
            }
        }
    }
}
