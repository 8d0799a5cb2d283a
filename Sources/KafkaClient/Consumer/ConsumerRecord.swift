import KafkaRecords
import NIOCore

/// One record as a consumer sees it: where it sits, when it was written, and what it holds.
///
/// Key, value and header values are slices of the fetch response (no copy).
public struct ConsumerRecord: Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var timestamp: Int64
    public var timestampType: TimestampType
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
    /// The leader epoch stamped on the batch, if any.
    public var leaderEpoch: Int32?

    public var topicPartition: TopicPartition { TopicPartition(topic, partition) }

    public var description: String {
        let value = self.value.map { String(decoding: $0.readableBytesView.prefix(64), as: UTF8.self) } ?? "null"
        return "\(topic)-\(partition)@\(offset) \(value)"
    }
}
