import KafkaRecords
import NIOCore

/// Turns one partition's `records` bytes from a Fetch response into consumer records, from a position.
///
/// As Kafka's fetcher does: batches that end before the position are skipped, and so are records below
/// the position inside the first batch (a fetch returns whole batches, so it may start before the
/// offset asked for); control batches (transaction markers) are skipped but move the position past
/// them; a trailing partial batch (the broker cut at a size limit) is left for the next fetch.
enum FetchedRecords {
    struct Result {
        var records: [ConsumerRecord]
        /// Where the next fetch starts.
        var nextOffset: Int64
    }

    static func decode(
        _ bytes: ByteBuffer, topicPartition tp: TopicPartition, from position: Int64, checkCRCs: Bool,
        maxDecompressedSize: Int = RecordBatch.defaultMaxDecompressedSize
    ) throws(KafkaClientError) -> Result {
        var batches = RecordBatchSequence(bytes)
        var records: [ConsumerRecord] = []
        var next = position
        while let batch = batches.next() {
            if batch.nextOffset <= next { continue }
            if checkCRCs {
                do {
                    try batch.validate()
                } catch {
                    throw KafkaClientError(.malformedResponse, "corrupt batch at offset \(batch.baseOffset) of \(tp): \(error)")
                }
            }
            let attributes = batch.attributes
            if attributes.isControl {
                next = batch.nextOffset
                continue
            }
            let epoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : nil
            do {
                var iterator = try batch.records(maxDecompressedSize: maxDecompressedSize)
                while let record = try iterator.next() {
                    guard record.offset >= next else { continue }
                    records.append(ConsumerRecord(
                        topic: tp.topic, partition: tp.partition, offset: record.offset, timestamp: record.timestamp,
                        timestampType: attributes.timestampType, key: record.key, value: record.value,
                        headers: record.headers, leaderEpoch: epoch))
                }
            } catch {
                throw KafkaClientError(.malformedResponse, "cannot read records at offset \(batch.baseOffset) of \(tp): \(error)")
            }
            next = batch.nextOffset
        }
        if let corruption = batches.corruption {
            throw KafkaClientError(.malformedResponse, "corrupt records for \(tp) after offset \(next): \(corruption)")
        }
        return Result(records: records, nextOffset: next)
    }
}
