import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Partition log: truncation")
struct TruncationTests {
    @Test("truncate drops offsets from a batch boundary on, across segments", arguments: FileSystemKind.allCases)
    func truncateAcrossSegments(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500))
            try log.appendBatches(20, records: 2, valueSize: 100, epoch: 1)
            try log.appendBatches(20, records: 2, valueSize: 100, epoch: 2)
            try log.appendAsLeader(TestBatch.idempotent(producerId: 3, epoch: 0, sequence: 0).bytes, leaderEpoch: 2, now: 0)
            let segments = log.segmentBaseOffsets
            #expect(segments.count > 4)
            #expect(try log.truncate(to: 30, now: 0))
            #expect(log.logEndOffset == 30)
            #expect(log.segmentBaseOffsets == segments.filter { $0 <= 30 })
            #expect(try log.readAllBatches().last?.lastOffset == 29)
            #expect(log.leaderEpochEntries == [.init(epoch: 1, startOffset: 0)])
            #expect(log.producerState(for: 3) == nil)
            #expect(try !log.truncate(to: 40, now: 0))
            let next = try log.appendBatches(1, epoch: 3)
            #expect(next[0].firstOffset == 30)
            #expect(try log.readAllBatches().map(\.baseOffset).suffix(2) == [28, 30])
            #expect(try log.offset(forTimestamp: 1_000_000) == nil)
        }
    }

    @Test("truncating below the first segment starts the log over")
    func truncateBelowFirstSegment() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500), options: .init(logStartOffset: 100))
            #expect(log.logStartOffset == 100 && log.segmentBaseOffsets == [100])
            try log.appendBatches(10, valueSize: 200)
            try log.truncate(to: 50, now: 0)
            #expect(log.segmentBaseOffsets == [50])
            #expect(log.logStartOffset == 50 && log.logEndOffset == 50)
            try log.truncateFully(newStart: 500, now: 0)
            #expect(log.segmentBaseOffsets == [500] && log.logStartOffset == 500 && log.highWatermark == 500)
            #expect(try log.appendBatches(1)[0].firstOffset == 500)
            #expect(try scratch.partitionFiles().filter { $0.hasSuffix(".log") } == ["00000000000000000500.log"])
        }
    }

    @Test("a truncated log reopens at its new end")
    func truncateThenReopen() throws {
        try withScratchDirectory(.posix) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500))
            try log.appendBatches(30, valueSize: 100)
            try log.truncate(to: 17, now: 0)
            try log.close(now: 0)
            let (reopened, report) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500), options: .init(hadCleanShutdown: true))
            #expect(report.truncations.isEmpty)
            #expect(reopened.logEndOffset == 17)
            #expect(try reopened.readAllBatches().count == 17)
        }
    }
}

@Suite("Partition log: flushing")
struct FlushTests {
    @Test("flush.messages=1 fsyncs every append and moves the recovery point")
    func fsyncEveryAppend() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig()
            config.fsyncsEveryAppend = true
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(3)
            #expect(log.recoveryPoint == 3)
        }
    }

    @Test("by default nothing is fsynced until a roll, flush.ms or an explicit flush")
    func defaultPolicy() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1_000)
            config.flushMs = 10_000
            let (log, _) = try scratch.openLog(config: config, now: 0)
            try log.appendBatches(3)
            #expect(log.recoveryPoint == 0)
            #expect(try !log.flushIfDue(now: 5_000))
            #expect(try log.flushIfDue(now: 10_000))
            #expect(log.recoveryPoint == 3)
            try log.appendBatches(20, valueSize: 200)  // rolls: the old segments are flushed
            #expect(log.recoveryPoint == log.segmentBaseOffsets.last)
            try log.flush(now: 11_000)
            #expect(log.recoveryPoint == log.logEndOffset)
        }
    }
}
