import KafkaRecords
import Testing

@testable import LogStorage

@Suite("Checkpoint files")
struct CheckpointTests {
    @Test("offset checkpoints use Kafka's text format and round-trip")
    func offsetCheckpoint() throws {
        let offsets: [TopicPartition: Int64] = [
            TopicPartition("orders", 1): 980, TopicPartition("orders", 0): 1200, TopicPartition("my-topic-x", 12): 0,
        ]
        let text = OffsetCheckpointFile.encode(offsets)
        #expect(text == "0\n3\nmy-topic-x 12 0\norders 0 1200\norders 1 980\n")
        #expect(try OffsetCheckpointFile.decode(text) == offsets)
        #expect(try OffsetCheckpointFile.decode("0\n0\n").isEmpty)
    }

    @Test("malformed offset checkpoints are errors, not crashes", arguments: [
        "", "1\n0\n", "0\n2\norders 0 1\n", "0\n1\norders x 1\n", "0\n1\norders 0\n", "0\n-1\n", "zero\n0\n",
    ])
    func malformedOffsetCheckpoint(text: String) {
        #expect(throws: CheckpointFormatError.self) { try OffsetCheckpointFile.decode(text) }
    }

    @Test("leader-epoch-checkpoint round-trips")
    func epochCheckpoint() throws {
        let entries = [LeaderEpochCache.Entry(epoch: 0, startOffset: 0), LeaderEpochCache.Entry(epoch: 3, startOffset: 150)]
        let text = LeaderEpochCheckpointFile.encode(entries)
        #expect(text == "0\n2\n0 0\n3 150\n")
        #expect(try LeaderEpochCheckpointFile.decode(text) == entries)
        #expect(throws: CheckpointFormatError.self) { try LeaderEpochCheckpointFile.decode("0\n1\n3\n") }
    }

    @Test("partition.metadata holds the topic id")
    func partitionMetadata() throws {
        let text = PartitionMetadataFile.encode(topicId: "5Fv3eL6WQbO2dWmo0bA9sw")
        #expect(text == "version: 0\ntopic_id: 5Fv3eL6WQbO2dWmo0bA9sw\n")
        #expect(try PartitionMetadataFile.decode(text) == "5Fv3eL6WQbO2dWmo0bA9sw")
        #expect(throws: CheckpointFormatError.self) { try PartitionMetadataFile.decode("version: 1\ntopic_id: x\n") }
        #expect(throws: CheckpointFormatError.self) { try PartitionMetadataFile.decode("version: 0\n") }
    }

    @Test("partition directory names split at the last dash")
    func directoryNames() {
        #expect(PartitionDirectoryName.parse("orders-0") == TopicPartition("orders", 0))
        #expect(PartitionDirectoryName.parse("my-topic-with-dashes-17") == TopicPartition("my-topic-with-dashes", 17))
        #expect(PartitionDirectoryName.parse("orders") == nil)
        #expect(PartitionDirectoryName.parse("-3") == nil)
        #expect(PartitionDirectoryName.parse("orders-x") == nil)
        #expect(PartitionDirectoryName.parse("orders-0.abc-delete") == nil)
        let doomed = PartitionDirectoryName.deletionName(TopicPartition("orders", 3))
        #expect(doomed.hasPrefix("orders-3.") && doomed.hasSuffix("-delete"))
        #expect(PartitionDirectoryName.isPendingDeletion(doomed))
    }

    @Test("segment file names are 20-digit base offsets")
    func segmentNames() {
        #expect(LogFileNames.prefix(42) == "00000000000000000042")
        #expect(LogFileNames.baseOffset(ofLogFile: "00000000000000000042.log") == 42)
        #expect(LogFileNames.baseOffset(ofLogFile: "00000000000000000042.index") == nil)
        #expect(LogFileNames.baseOffset(ofLogFile: "42.log") == nil)
    }
}
