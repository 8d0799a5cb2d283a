import KafkaRecords
import LogStorage
import NIOCore
import Raft
import SystemPackage
import Testing

@testable import Broker

/// The metadata quorum's log on LogStorage: entries round-trip through record batches (LeaderChange as
/// a control batch), survive a reopen, truncate, and answer Kafka's endOffsetForEpoch; snapshots are
/// files beside the segments, drop the segments they cover, and survive a reopen.
@Suite struct MetadataRaftLogTests {
    let fileSystem = InMemoryLogFileSystem()
    let directory = FilePath("/data/__cluster_metadata-0")

    func open(segmentBytes: Int = 1 << 30) throws -> MetadataRaftLog {
        var config = LogConfig()
        config.retentionMs = -1
        config.segmentBytes = segmentBytes
        config.fileDeleteDelayMs = 0
        let (log, _) = try PartitionLog.open(
            directory: directory, topicPartition: PartitionMetadataLog.topicPartition, config: config, fileSystem: fileSystem,
            options: .init(), now: 1_000)
        return try MetadataRaftLog(log: log, fileSystem: fileSystem, clock: { 1_000 })
    }

    func data(_ text: String) -> RaftEntry.Payload { .data(ByteBuffer(string: text)) }

    @Test func entriesRoundTripThroughBatches() throws {
        let entries = [
            RaftEntry(offset: 0, epoch: 1, payload: .leaderChange(leaderId: 2, voters: [1, 2, 3])),
            RaftEntry(offset: 1, epoch: 1, payload: data("a")),
            RaftEntry(offset: 2, epoch: 1, payload: data("b")),
            RaftEntry(offset: 3, epoch: 2, payload: .leaderChange(leaderId: 3, voters: [1, 2, 3])),
            RaftEntry(offset: 4, epoch: 2, payload: data("c")),
        ]
        let bytes = try RaftRecordBatches.encode(entries, timestamp: 5)
        #expect(RecordBatchSequence(bytes).map(\.attributes.isControl) == [true, false, true, false])
        #expect(try RaftRecordBatches.decode(bytes) == entries)
    }

    @Test func appendsSurviveAReopenAndTruncateWithTheirEpochs() throws {
        let log = try open()
        log.append([
            RaftEntry(offset: 0, epoch: 1, payload: .leaderChange(leaderId: 1, voters: [1])),
            RaftEntry(offset: 1, epoch: 1, payload: data("a")),
        ])
        log.append([RaftEntry(offset: 2, epoch: 3, payload: data("b")), RaftEntry(offset: 3, epoch: 3, payload: data("c"))])
        #expect(log.failure == nil)
        #expect(log.endOffset == 4 && log.lastEpoch == 3)
        #expect(log.endOffset(forEpoch: 2) == OffsetAndEpoch(offset: 2, epoch: 1))
        #expect(log.endOffset(forEpoch: 3) == OffsetAndEpoch(offset: 4, epoch: 3))
        #expect(log.endOffset(forEpoch: 0) == OffsetAndEpoch(offset: 0, epoch: 0))
        #expect(log.dataEntries(from: 0, upTo: 3).map(\.offset) == [1, 2])
        try log.close()

        let reopened = try open()
        #expect(reopened.entries(from: 0, maxCount: 10) == log.entries(from: 0, maxCount: 10))
        reopened.truncate(to: 2)
        #expect(reopened.endOffset == 2 && reopened.lastEpoch == 1)
        #expect(reopened.entries(from: 1, maxCount: 10).map(\.offset) == [1])
    }

    @Test func anAppendThatDoesNotContinueTheLogIsAFailure() throws {
        let log = try open()
        log.append([RaftEntry(offset: 5, epoch: 1, payload: data("gap"))])
        log.append([RaftEntry(offset: 3, epoch: 1, payload: data("back"))])
        #expect(log.failure != nil)
        #expect(log.endOffset == 6)
    }

    /// Ten entries of epoch 1 in small segments (one batch each).
    func filledLog() throws -> MetadataRaftLog {
        let log = try open(segmentBytes: 100)
        for offset in 0..<10 { log.append([RaftEntry(offset: Int64(offset), epoch: offset < 5 ? 1 : 2, payload: data("value \(offset)"))]) }
        #expect(log.failure == nil)
        return log
    }

    func segmentFiles() throws -> [String] { try fileSystem.contentsOfDirectory(at: directory).filter { $0.hasSuffix(".log") }.sorted() }

    @Test func aSnapshotDropsTheSegmentsItCoversAndSurvivesAReopen() throws {
        let log = try filledLog()
        #expect(try segmentFiles().count == 10)
        let id = OffsetAndEpoch(offset: 6, epoch: 2)
        log.storeSnapshot(id, contents: ByteBuffer(string: "image at 6"))
        #expect(log.failure == nil)
        #expect(log.startOffset == 6 && log.endOffset == 10)
        #expect(try segmentFiles().first == "00000000000000000006.log")
        #expect(try fileSystem.contentsOfDirectory(at: directory).contains("00000000000000000006-0000000002.checkpoint"))
        #expect(log.entries(from: 6, maxCount: 10).map(\.offset) == [6, 7, 8, 9])
        #expect(log.readSnapshot(id, position: 6, maxBytes: 3).map { String(buffer: $0.bytes) } == "at ")
        #expect(log.endOffset(forEpoch: 1) == OffsetAndEpoch(offset: 0, epoch: 0))
        try log.close()

        let reopened = try open(segmentBytes: 100)
        #expect(reopened.snapshotId == id)
        #expect(reopened.startOffset == 6 && reopened.endOffset == 10)
        #expect(reopened.entries(from: 6, maxCount: 10) == log.entries(from: 6, maxCount: 10))

        reopened.storeSnapshot(OffsetAndEpoch(offset: 10, epoch: 2), contents: ByteBuffer(string: "image at 10"))
        #expect(reopened.lastEpoch == 2 && reopened.endOffset == 10)
        #expect(reopened.endOffset(forEpoch: 5) == OffsetAndEpoch(offset: 10, epoch: 2))
        let checkpoints = try fileSystem.contentsOfDirectory(at: directory).filter { $0.hasSuffix(".checkpoint") }
        #expect(checkpoints == ["00000000000000000010-0000000002.checkpoint"])
    }

    @Test func anInstalledSnapshotReplacesTheWholeLog() throws {
        let log = try filledLog()
        let id = OffsetAndEpoch(offset: 25, epoch: 4)
        log.installSnapshot(id, contents: ByteBuffer(string: "leader's image"))
        #expect(log.failure == nil)
        #expect(log.startOffset == 25 && log.endOffset == 25 && log.lastEpoch == 4)
        log.append([RaftEntry(offset: 25, epoch: 4, payload: data("next"))])
        try log.close()
        let reopened = try open(segmentBytes: 100)
        #expect(reopened.snapshotId == id)
        #expect(reopened.entries(from: 25, maxCount: 5).map(\.offset) == [25])
    }

    @Test func aSnapshotWrittenJustBeforeACrashIsHonouredAtOpen() throws {
        // The snapshot file is written first; a crash before the log moved leaves the log behind it.
        let log = try filledLog()
        try log.close()
        try fileSystem.writeFileAtomically(ByteBuffer(string: "ahead"), to: directory.appending(MetadataRaftLog.snapshotFileName(OffsetAndEpoch(offset: 30, epoch: 5))))
        let reopened = try open(segmentBytes: 100)
        #expect(reopened.startOffset == 30 && reopened.endOffset == 30 && reopened.lastEpoch == 5)
    }
}
