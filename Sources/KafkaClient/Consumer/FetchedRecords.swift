import KafkaRecords
import NIOCore

/// Turns one partition's `records` bytes from a Fetch response into consumer records, from a position.
///
/// As Kafka's fetcher does: batches that end before the position are skipped, and so are records below
/// the position inside the first batch (a fetch returns whole batches, so it may start before the
/// offset asked for); control batches (transaction markers) are skipped but move the position past
/// them; a trailing partial batch (the broker cut at a size limit) is left for the next fetch. With
/// read_committed, `abortedTransactions` (from the Fetch response) names the producers whose
/// transactions were aborted from a given offset on; their transactional batches are dropped until
/// the producer's ABORT marker, as Kafka's fetcher does.
enum FetchedRecords {
    struct Result {
        var records: [ConsumerRecord]
        /// Where the next fetch starts.
        var nextOffset: Int64
    }

    static func decode(
        _ bytes: ByteBuffer, topicPartition tp: TopicPartition, from position: Int64, checkCRCs: Bool,
        abortedTransactions: [(producerId: Int64, firstOffset: Int64)]? = nil,
        maxDecompressedSize: Int = RecordBatch.defaultMaxDecompressedSize
    ) throws(KafkaClientError) -> Result {
        var batches = RecordBatchSequence(bytes)
        var records: [ConsumerRecord] = []
        var next = position
        var aborts = AbortedTransactions(abortedTransactions)
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
            if aborts.skips(batch) {
                next = batch.nextOffset
                continue
            }
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

/// read_committed bookkeeping: which producers' transactions are aborted at the current batch.
struct AbortedTransactions {
    private var pending: [(producerId: Int64, firstOffset: Int64)]
    private var index = 0
    private var aborted: Set<Int64> = []
    let isActive: Bool

    init(_ list: [(producerId: Int64, firstOffset: Int64)]?) {
        isActive = list != nil
        pending = (list ?? []).sorted { $0.firstOffset < $1.firstOffset }
    }

    /// Whether `batch` belongs to an aborted transaction (and so is dropped). An ABORT marker ends
    /// its producer's aborted transaction; the marker itself is a control batch, skipped later.
    mutating func skips(_ batch: RecordBatch) -> Bool {
        guard isActive, batch.hasProducerId else { return false }
        while index < pending.count, pending[index].firstOffset <= batch.lastOffset {
            aborted.insert(pending[index].producerId)
            index += 1
        }
        if batch.attributes.isControl {
            if Self.isAbortMarker(batch) { aborted.remove(batch.producerId) }
            return false
        }
        return batch.attributes.isTransactional && aborted.contains(batch.producerId)
    }

    private static func isAbortMarker(_ batch: RecordBatch) -> Bool {
        guard var records = try? batch.records(), let first = try? records.next(),
            let key = try? first.controlKey()
        else { return false }
        return key.type == .abort
    }
}
