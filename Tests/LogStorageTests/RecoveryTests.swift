import KafkaRecords
import NIOCore
import SystemPackage
import Testing

@testable import LogStorage

@Suite("Partition log: recovery")
struct RecoveryTests {
    /// Appends `count` batches over several segments and drops the log without closing it.
    func crashedLog(_ scratch: Scratch, count: Int = 30) throws -> [LogAppendResult] {
        let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000))
        let results = try log.appendBatches(count, records: 2, valueSize: 120, epoch: 1)
        log.closeWithoutFlush()
        return results
    }

    func file(_ scratch: Scratch, _ path: FilePath) throws -> any LogFile {
        try scratch.fileSystem.openFile(at: path, create: false)
    }

    @Test("a torn last batch is cut off; appends continue at its offset", arguments: FileSystemKind.allCases)
    func tornTail(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let results = try crashedLog(scratch)
            let lastBase = try #require(results.last).firstOffset
            let (before, _) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            let active = try #require(before.segmentBaseOffsets.last)
            before.closeWithoutFlush()
            let activeFile = try file(scratch, scratch.segmentFile(active))
            try activeFile.truncate(to: try activeFile.size() - 7)

            let (log, report) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000))
            #expect(!report.hadCleanShutdown)
            #expect(report.truncations.count == 1)
            #expect(report.truncations.first?.segmentBaseOffset == active)
            #expect(report.rebuiltIndexes.contains(active))
            #expect(log.logEndOffset == lastBase)
            #expect(try log.readAllBatches().map(\.baseOffset) == results.dropLast().map(\.firstOffset))
            let next = try log.appendBatches(1, records: 2, epoch: 2)
            #expect(next[0].firstOffset == lastBase)
            #expect(log.leaderEpochEntries == [.init(epoch: 1, startOffset: 0), .init(epoch: 2, startOffset: lastBase)])
        }
    }

    @Test("a corrupted byte in the last batch's records fails its CRC and the batch is cut", arguments: FileSystemKind.allCases)
    func corruptLastBatch(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let results = try crashedLog(scratch)
            let (probe, _) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            let active = try #require(probe.segmentBaseOffsets.last)
            probe.closeWithoutFlush()
            let activeFile = try file(scratch, scratch.segmentFile(active))
            let size = try activeFile.size()
            var byte = try activeFile.read(at: size - 20, count: 1)
            let value = byte.readInteger(as: UInt8.self) ?? 0
            try activeFile.write(ByteBuffer(bytes: [value ^ 0xFF]), at: size - 20)

            let (log, report) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000))
            let truncation = try #require(report.truncations.first)
            #expect(truncation.reason.contains("CRC"))
            #expect(log.logEndOffset == results.last?.firstOffset)
            #expect(try log.readAllBatches().count == results.count - 1)
        }
    }

    @Test("corruption in an earlier segment removes every later segment", arguments: FileSystemKind.allCases)
    func corruptionMidLog(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let results = try crashedLog(scratch, count: 60)
            let (probe, _) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            let segments = probe.segmentBaseOffsets
            probe.closeWithoutFlush()
            #expect(segments.count >= 4)
            let victim = segments[1]
            // Damage the second batch of the second segment: its length field claims more than the file holds.
            let victimFile = try file(scratch, scratch.segmentFile(victim))
            let firstBatch = try #require(try victimFile.read(at: 0, count: 12).getInteger(at: 8, as: Int32.self))
            try victimFile.write(ByteBuffer(integer: Int32.max), at: Int64(firstBatch) + 12 + 8)

            let (log, report) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000), options: .init(recoveryPoint: 0))
            #expect(report.recoveredSegments == Array(segments.prefix(2)))
            #expect(report.deletedSegments == Array(segments.dropFirst(2)))
            #expect(log.segmentBaseOffsets == Array(segments.prefix(2)))
            let survivors = try log.readAllBatches()
            #expect(survivors.last.map { $0.baseOffset } == victim)
            #expect(survivors.count == results.firstIndex { $0.firstOffset == victim }.map { $0 + 1 })
            for base in segments.dropFirst(2) { #expect(!scratch.fileSystem.exists(at: scratch.segmentFile(base))) }
        }
    }

    @Test("only segments from the recovery point on are scanned after a crash")
    func recoveryPointLimitsScan() throws {
        try withScratchDirectory(.memory) { scratch in
            _ = try crashedLog(scratch, count: 60)
            let (probe, _) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            let segments = probe.segmentBaseOffsets
            probe.closeWithoutFlush()
            let (_, report) = try scratch.openLog(options: .init(recoveryPoint: segments[2] + 1))
            #expect(report.recoveredSegments == Array(segments.dropFirst(2)))
            #expect(report.truncations.isEmpty)
        }
    }

    @Test("reopening after a clean close keeps everything and trusts the indexes", arguments: FileSystemKind.allCases)
    func cleanReopen(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000))
            try log.appendBatches(25, records: 3, valueSize: 100, epoch: 1)
            try log.appendAsLeader(TestBatch.idempotent(producerId: 5, epoch: 2, sequence: 0, records: 2).bytes, leaderEpoch: 2, now: 0)
            log.updateHighWatermark(log.logEndOffset)
            try log.deleteRecords(before: 4)
            let before = try log.readAllBatches()
            let segments = log.segmentBaseOffsets
            try log.close(now: 0)
            #expect(throws: LogStorageError.self) { try log.appendBatches(1) }

            let options = PartitionLog.OpenOptions(recoveryPoint: log.recoveryPoint, logStartOffset: 4, highWatermark: 77, hadCleanShutdown: true)
            let (reopened, report) = try scratch.openLog(config: smallConfig(segmentBytes: 2_000), options: options)
            #expect(report.recoveredSegments.isEmpty && report.rebuiltIndexes.isEmpty && report.truncations.isEmpty)
            #expect(reopened.segmentBaseOffsets == segments)
            #expect(reopened.logStartOffset == 4)
            #expect(reopened.highWatermark == 77)
            #expect(try reopened.readAllBatches().map(\.bytes) == before.map(\.bytes))
            #expect(reopened.leaderEpochEntries == [.init(epoch: 1, startOffset: 4), .init(epoch: 2, startOffset: 75)])
            #expect(reopened.producerState(for: 5)?.lastSequence == 1)
            let retry = try reopened.appendAsLeader(TestBatch.idempotent(producerId: 5, epoch: 2, sequence: 0, records: 2).bytes, leaderEpoch: 2, now: 0)
            #expect(retry.isDuplicate && retry.firstOffset == 75)
            #expect(throws: LogStorageError.self) {
                try reopened.appendAsLeader(TestBatch.idempotent(producerId: 5, epoch: 1, sequence: 2).bytes, leaderEpoch: 2, now: 0)
            }
        }
    }

    @Test("a torn tail after a clean shutdown is cut without a crash", arguments: FileSystemKind.allCases)
    func tornTailWithMarker(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog()
            let results = try log.appendBatches(3)
            try log.close(now: 0)
            let logFile = try file(scratch, scratch.segmentFile(0))
            try logFile.truncate(to: try logFile.size() - 1)
            let (reopened, report) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            #expect(report.truncations.count == 1)
            #expect(reopened.logEndOffset == results[2].firstOffset)
        }
    }

    @Test("unreadable index files are rebuilt from the log", arguments: FileSystemKind.allCases)
    func corruptIndexes(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1 << 20, indexInterval: 100))
            try log.appendBatches(50, valueSize: 100)
            let before = try log.readAllBatches()
            try log.close(now: 0)
            let index = try file(scratch, scratch.segmentFile(0, ".index"))
            try index.write(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF]), at: 8)  // garbage, and not whole entries
            let timeIndex = try file(scratch, scratch.segmentFile(0, ".timeindex"))
            try timeIndex.truncate(to: 0)
            let (reopened, report) = try scratch.openLog(config: smallConfig(segmentBytes: 1 << 20, indexInterval: 100), options: .init(hadCleanShutdown: true))
            #expect(report.rebuiltIndexes == [0])
            #expect(try reopened.readAllBatches().map(\.baseOffset) == before.map(\.baseOffset))
            #expect(try index.size() % 8 == 0 && index.size() > 0)
            #expect(try timeIndex.size() > 0)
            #expect(try reopened.offset(forTimestamp: 1_020)?.offset == 20)
        }
    }

    @Test("leftover .deleted, temporary and orphan index files are removed at open")
    func leftovers() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(2)
            try log.close(now: 0)
            for name in ["00000000000000000000.log.deleted", "leader-epoch-checkpoint.tmp", "00000000000000000099.index", "00000000000000000099.timeindex"] {
                _ = try scratch.fileSystem.openFile(at: scratch.partitionDirectory.appending(name), create: true)
            }
            let (_, report) = try scratch.openLog(options: .init(hadCleanShutdown: true))
            #expect(Set(report.removedFiles).count == 4)
            #expect(try scratch.partitionFiles() == [
                "00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex", "leader-epoch-checkpoint",
            ])
        }
    }
}
