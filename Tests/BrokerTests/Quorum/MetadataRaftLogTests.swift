import KafkaRecords
import LogStorage
import NIOCore
import Raft
import SystemPackage
import Testing

@testable import Broker

/// The metadata quorum's log on LogStorage: entries round-trip through record batches (LeaderChange as
/// a control batch), survive a reopen, truncate, and answer Kafka's endOffsetForEpoch.
@Suite struct MetadataRaftLogTests {
    let fileSystem = InMemoryLogFileSystem()
    let directory = FilePath("/data/__cluster_metadata-0")

    func open() throws -> MetadataRaftLog {
        var config = LogConfig()
        config.retentionMs = -1
        let (log, _) = try PartitionLog.open(
            directory: directory, topicPartition: PartitionMetadataLog.topicPartition, config: config, fileSystem: fileSystem,
            options: .init(), now: 1_000)
        return try MetadataRaftLog(log: log, clock: { 1_000 })
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
}
