import KafkaRecords
import NIOCore

/// One record to produce: where it goes, and what it holds.
public struct ProducerRecord: Sendable {
    public var topic: String
    /// The partition, or nil to let the partitioner choose (by key hash, or sticky for keyless records).
    public var partition: Int32?
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
    /// CreateTime in milliseconds since the epoch; nil for now.
    public var timestamp: Int64?

    public init(
        topic: String, partition: Int32? = nil, key: ByteBuffer? = nil, value: ByteBuffer?,
        headers: [RecordHeader] = [], timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public init(topic: String, partition: Int32? = nil, key: String?, value: String?, headers: [RecordHeader] = []) {
        self.init(
            topic: topic, partition: partition, key: key.map { ByteBuffer(string: $0) },
            value: value.map { ByteBuffer(string: $0) }, headers: headers)
    }

    /// An upper bound of the record's size inside a batch, charged against `buffer.memory`.
    var estimatedSize: Int {
        var size = 21 + (key?.readableBytes ?? 0) + (value?.readableBytes ?? 0)
        for header in headers { size += 10 + header.key.utf8.count + (header.value?.readableBytes ?? 0) }
        return size
    }
}
