import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Partition log: retention")
struct RetentionTests {
    static let day: Int64 = 86_400_000

    @Test("retention.ms deletes whole segments older than the limit and moves the log start", arguments: FileSystemKind.allCases)
    func retentionByTime(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            var config = smallConfig(segmentBytes: 2_000)
            config.retentionMs = Self.day
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(20, valueSize: 200, timestamp: 1_000)  // old
            let oldEnd = log.logEndOffset
            try log.appendBatches(20, valueSize: 200, timestamp: 5 * Self.day)  // recent
            log.updateHighWatermark(log.logEndOffset)
            let segmentsBefore = log.segmentBaseOffsets
            let result = try log.deleteOldSegments(now: 5 * Self.day + 1_000)
            #expect(!result.deletedSegments.isEmpty)
            #expect(log.logStartOffset == log.segmentBaseOffsets[0])
            #expect(log.logStartOffset <= oldEnd)  // the segment holding both old and new records stays
            #expect(log.logStartOffset > 0)
            #expect(log.segmentBaseOffsets == Array(segmentsBefore.drop { $0 < log.logStartOffset }))
            for base in result.deletedSegments {
                #expect(!scratch.fileSystem.exists(at: scratch.segmentFile(base)))
            }
            #expect(try log.readAllBatches().first?.baseOffset == log.logStartOffset)
        }
    }

    @Test("an expired active segment is rolled first; the log keeps one empty segment")
    func expiredActiveSegment() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1 << 20)
            config.retentionMs = Self.day
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(5, timestamp: 1_000)
            // Not below the high watermark yet: nothing goes.
            #expect(try log.deleteOldSegments(now: 3 * Self.day).deletedSegments.isEmpty)
            log.updateHighWatermark(5)
            let result = try log.deleteOldSegments(now: 3 * Self.day)
            #expect(result.deletedSegments == [0])
            #expect(log.segmentBaseOffsets == [5])
            #expect(log.logStartOffset == 5 && log.logEndOffset == 5)
            #expect(try log.deleteOldSegments(now: 4 * Self.day).deletedSegments.isEmpty)
            let next = try log.appendBatches(1, timestamp: 4 * Self.day)
            #expect(next[0].firstOffset == 5)
        }
    }

    @Test("retention.bytes deletes the oldest segments while the log is over the limit")
    func retentionBySize() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1_000)
            config.retentionMs = -1
            config.retentionBytes = 3_000
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(40, valueSize: 150)
            log.updateHighWatermark(log.logEndOffset)
            let before = log.sizeInBytes
            #expect(before > 3_000)
            let result = try log.deleteOldSegments(now: 0)
            #expect(!result.deletedSegments.isEmpty)
            #expect(log.sizeInBytes <= before)
            // Kafka's rule: delete a segment only if the log stays at or above the limit without it.
            #expect(log.sizeInBytes >= 3_000 || log.segmentBaseOffsets.count == 1)
            #expect(log.sizeInBytes - 1_000 < 3_000)
            #expect(log.logStartOffset == log.segmentBaseOffsets[0])
        }
    }

    @Test("deleteRecords moves the log start; the next pass deletes the segments below it")
    func deleteRecords() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1_000)
            config.retentionMs = -1
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(30, valueSize: 150, epoch: 3)
            #expect(throws: LogStorageError.logStartOffsetBeyondHighWatermark(requested: 20, highWatermark: 0)) {
                try log.deleteRecords(before: 20)
            }
            log.updateHighWatermark(30)
            #expect(try log.deleteRecords(before: 20) == 20)
            #expect(try log.deleteRecords(before: 10) == 20)
            #expect(log.leaderEpochEntries == [.init(epoch: 3, startOffset: 20)])
            let result = try log.deleteOldSegments(now: 0)
            #expect(!result.deletedSegments.isEmpty)
            #expect(log.segmentBaseOffsets[0] <= 20)
            #expect(log.logStartOffset == 20)
            #expect(try log.readAllBatches().first?.baseOffset == 20)
        }
    }

    @Test("deleted segments wait as .deleted files for file.delete.delay.ms", arguments: FileSystemKind.allCases)
    func delayedRemoval(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            var config = smallConfig(segmentBytes: 1_000)
            config.retentionMs = 1_000
            config.fileDeleteDelayMs = 60_000
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(10, valueSize: 150, timestamp: 0)
            log.updateHighWatermark(10)
            let result = try log.deleteOldSegments(now: 10_000)
            let deleted = try #require(result.deletedSegments.first)
            #expect(scratch.fileSystem.exists(at: FilePathSuffix.deleted(scratch.segmentFile(deleted))))
            #expect(try log.deleteOldSegments(now: 20_000).removedFiles == 0)
            #expect(try log.deleteOldSegments(now: 80_000).removedFiles > 0)
            #expect(!scratch.fileSystem.exists(at: FilePathSuffix.deleted(scratch.segmentFile(deleted))))
        }
    }

    @Test("a read holding a slice keeps reading a segment that retention deleted", arguments: FileSystemKind.allCases)
    func readWhileDeleted(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            var config = smallConfig(segmentBytes: 1_000)
            config.retentionMs = 1_000
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(10, valueSize: 150, timestamp: 0)
            log.updateHighWatermark(10)
            let read = try log.read(from: 0, maxBytes: 500)
            let result = try log.deleteOldSegments(now: 10_000)
            #expect(result.deletedSegments.contains(0))
            #expect(!scratch.fileSystem.exists(at: scratch.segmentFile(0)))
            let bytes = try read.slices[0].readBytes()
            #expect(bytes.readableBytes == read.slices[0].length)
            #expect(bytes.batches.first?.baseOffset == 0)
            #expect(throws: LogStorageError.self) { try log.read(from: 0, maxBytes: 500) }
        }
    }
}

import SystemPackage

enum FilePathSuffix {
    static func deleted(_ path: FilePath) -> FilePath { FilePath(path.string + ".deleted") }
}
