import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Crash consistency")
struct CrashConsistencyTests {
    @Test("real disk: every appended batch survives dropping the log without closing it")
    func realDiskCrash() throws {
        try withScratchDirectory(.posix) { scratch in
            var appended: [ByteBuffer] = []
            do {
                let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 3_000))
                var random = SeededRandom(seed: 3)
                for index in 0..<120 {
                    let batch = TestBatch(records: Int.random(in: 1...4, using: &random), baseTimestamp: Int64(index), valueSize: 90)
                    try log.appendAsLeader(batch.bytes, leaderEpoch: 1, now: 0)
                }
                appended = try log.readAllBatches().map(\.bytes)
                // No close, no flush, no checkpoint: the process "dies" here.
            }
            let (reopened, report) = try scratch.openLog(config: smallConfig(segmentBytes: 3_000))
            #expect(!report.hadCleanShutdown && report.truncations.isEmpty)
            #expect(try reopened.readAllBatches().map(\.bytes) == appended)
            #expect(reopened.logEndOffset == (appended.last.flatMap { try? RecordBatch(bytes: $0) }?.nextOffset ?? -1))
        }
    }

    @Test("power cut: what survives is a prefix of the appended batches, and fsynced appends all survive", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func powerCut(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let fsyncEveryAppend = seed % 2 == 0
        try withScratchDirectory(.memory) { scratch in
            let memory = try #require(scratch.memory)
            var config = smallConfig(segmentBytes: 2_500)
            config.fsyncsEveryAppend = fsyncEveryAppend
            var acknowledged: [Int64] = []
            var recoveryPoint: Int64 = 0
            do {
                let (log, _) = try scratch.openLog(config: config)
                for _ in 0..<Int.random(in: 20...80, using: &random) {
                    let result = try log.appendAsLeader(TestBatch(records: Int.random(in: 1...3, using: &random), valueSize: 80).bytes, leaderEpoch: 0, now: 0)
                    acknowledged.append(result.firstOffset)
                }
                recoveryPoint = log.recoveryPoint
            }
            // The OS had written back some random part of each file's unsynced bytes.
            memory.simulateCrash { _, unsynced in Int.random(in: 0...unsynced, using: &random) }
            let (log, _) = try scratch.openLog(config: config, options: .init(recoveryPoint: recoveryPoint))
            let survivors = try log.readAllBatches().map(\.baseOffset)
            #expect(survivors == Array(acknowledged.prefix(survivors.count)))
            #expect(survivors.count >= acknowledged.firstIndex { $0 >= recoveryPoint } ?? acknowledged.count)
            if fsyncEveryAppend { #expect(survivors == acknowledged) }
            let next = try log.appendBatches(1)
            #expect(next[0].firstOffset == log.logEndOffset - 1)
        }
    }

    @Test("power cut: rolled segments and their indexes were fsynced at the roll and are trusted")
    func rolledSegmentsAreDurable() throws {
        try withScratchDirectory(.memory) { scratch in
            let memory = try #require(scratch.memory)
            var recoveryPoint: Int64 = 0
            var segments: [Int64] = []
            do {
                let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000, indexInterval: 100))
                try log.appendBatches(60, valueSize: 100)
                recoveryPoint = log.recoveryPoint
                segments = log.segmentBaseOffsets
            }
            #expect(recoveryPoint == segments.last)
            memory.simulateCrash()
            let (log, report) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000, indexInterval: 100), options: .init(recoveryPoint: recoveryPoint))
            #expect(report.recoveredSegments == [recoveryPoint])
            #expect(report.rebuiltIndexes == [recoveryPoint])
            #expect(log.logEndOffset == recoveryPoint)  // the active segment's bytes were never synced
            #expect(try log.readAllBatches().count == Int(recoveryPoint))
        }
    }
}
