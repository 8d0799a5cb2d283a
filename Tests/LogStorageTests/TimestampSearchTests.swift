import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Partition log: offsets by time")
struct TimestampSearchTests {
    /// Every record's (offset, timestamp), from the test's own knowledge of what it appended.
    struct AppendedRecord { var offset: Int64; var timestamp: Int64 }

    @Test("search by time equals a linear scan of the records", arguments: FileSystemKind.allCases)
    func searchMatchesLinearScan(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 8_192, indexInterval: 200))
            var random = SeededRandom(seed: 5)
            var records: [AppendedRecord] = []
            var clock: Int64 = 10_000
            for _ in 0..<200 {
                // Timestamps mostly grow, sometimes jump back, as producers' clocks do.
                let timestamps = (0..<Int.random(in: 1...4, using: &random)).map { _ -> Int64 in
                    clock += Int64.random(in: -30...60, using: &random)
                    return clock
                }
                let result = try log.appendAsLeader(TestBatch(timestamps: timestamps, valueSize: 40).bytes, leaderEpoch: 2, now: 0)
                for (index, timestamp) in timestamps.enumerated() {
                    records.append(AppendedRecord(offset: result.firstOffset + Int64(index), timestamp: timestamp))
                }
            }
            #expect(log.segmentBaseOffsets.count > 1)
            let lowest = records.map(\.timestamp).min() ?? 0, highest = records.map(\.timestamp).max() ?? 0
            for target in stride(from: lowest - 10, through: highest + 10, by: 7) {
                let expected = records.first { $0.timestamp >= target }
                let found = try log.offset(forTimestamp: target)
                #expect(found?.offset == expected?.offset, "target \(target)")
                #expect(found?.timestamp == expected?.timestamp, "target \(target)")
                if found != nil { #expect(found?.leaderEpoch == 2) }
            }
            let maxRecord = try #require(records.first { $0.timestamp == highest })
            let max = try #require(try log.offsetOfMaxTimestamp())
            #expect(max.offset == maxRecord.offset && max.timestamp == highest)
        }
    }

    @Test("earliest and latest offsets carry their epochs")
    func earliestAndLatest() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            #expect(try log.offset(forTimestamp: 0) == nil)
            #expect(log.latestOffset() == TimestampAndOffset(timestamp: -1, offset: 0, leaderEpoch: nil))
            try log.appendBatches(3, epoch: 1)
            try log.appendBatches(3, epoch: 2)
            #expect(log.earliestOffset() == TimestampAndOffset(timestamp: -1, offset: 0, leaderEpoch: 1))
            #expect(log.latestOffset() == TimestampAndOffset(timestamp: -1, offset: 6, leaderEpoch: 2))
        }
    }

    @Test("search by time starts at the log start offset")
    func searchRespectsLogStart() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendAsLeader(TestBatch(timestamps: [100, 200, 300]).bytes, leaderEpoch: 0, now: 0)
            log.updateHighWatermark(3)
            try log.deleteRecords(before: 1)
            #expect(try log.offset(forTimestamp: 0)?.offset == 1)
            #expect(try log.offset(forTimestamp: 250)?.offset == 2)
            #expect(try log.offset(forTimestamp: 301) == nil)
        }
    }

    @Test("search by time looks inside compressed batches")
    func compressedBatches() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            var builder = RecordBatchBuilder(compression: .gzip)
            for timestamp in [500, 100, 900, 300] as [Int64] {
                builder.append(key: nil, value: ByteBuffer(string: "v\(timestamp)"), timestamp: timestamp)
            }
            let batch = try builder.build()
            try log.appendBatches(2, timestamp: 0)
            try log.appendAsLeader(batch.bytes, leaderEpoch: 7, now: 0)
            #expect(try log.offset(forTimestamp: 200) == TimestampAndOffset(timestamp: 500, offset: 2, leaderEpoch: 7))
            #expect(try log.offset(forTimestamp: 600) == TimestampAndOffset(timestamp: 900, offset: 4, leaderEpoch: 7))
            #expect(try log.offsetOfMaxTimestamp() == TimestampAndOffset(timestamp: 900, offset: 4, leaderEpoch: 7))
        }
    }
}
