import KafkaRecords
import LogStorage

/// Where the metadata quorum keeps its log: `<data-dir>/__cluster_metadata-0`.
enum PartitionMetadataLog {
    static let topicPartition = TopicPartition(LogManager.metadataTopic, 0)
}
