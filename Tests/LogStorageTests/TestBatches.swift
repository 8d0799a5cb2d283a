import KafkaRecords
import NIOCore

/// Builds record batches (magic v2) for tests, without depending on KafkaRecords' builder: header
/// fields, uncompressed records, CRC.
struct TestBatch {
    var baseOffset: Int64 = 0
    var leaderEpoch: Int32 = -1
    /// One timestamp per record.
    var timestamps: [Int64] = [1_000]
    var valueSize: Int = 16
    var producerId: Int64 = -1
    var producerEpoch: Int16 = -1
    var baseSequence: Int32 = -1
    var attributes = RecordBatchAttributes()

    init(records: Int = 1, baseTimestamp: Int64 = 1_000, valueSize: Int = 16) {
        self.timestamps = (0..<records).map { baseTimestamp + Int64($0) }
        self.valueSize = valueSize
    }

    init(timestamps: [Int64], valueSize: Int = 16) {
        self.timestamps = timestamps
        self.valueSize = valueSize
    }

    /// An idempotent producer's batch.
    static func idempotent(producerId: Int64, epoch: Int16, sequence: Int32, records: Int = 1) -> TestBatch {
        var batch = TestBatch(records: records)
        batch.producerId = producerId
        batch.producerEpoch = epoch
        batch.baseSequence = sequence
        return batch
    }

    var bytes: ByteBuffer {
        var records = ByteBuffer()
        let baseTimestamp = timestamps.first ?? 0
        for (index, timestamp) in timestamps.enumerated() {
            var body = ByteBuffer()
            body.writeInteger(Int8(0))
            body.writeVarint(timestamp - baseTimestamp)
            body.writeVarint(Int64(index))
            body.writeVarint(-1)  // null key
            body.writeVarint(Int64(valueSize))
            body.writeRepeatingByte(UInt8(truncatingIfNeeded: index &+ 65), count: valueSize)
            body.writeVarint(0)  // no headers
            records.writeVarint(Int64(body.readableBytes))
            records.writeBuffer(&body)
        }
        var buffer = ByteBuffer()
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(Int32(RecordBatch.headerSize - RecordBatch.logOverhead + records.readableBytes))
        buffer.writeInteger(leaderEpoch)
        buffer.writeInteger(RecordBatch.currentMagic)
        buffer.writeInteger(UInt32(0))  // CRC, set below
        buffer.writeInteger(attributes.rawValue)
        buffer.writeInteger(Int32(max(0, timestamps.count - 1)))
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(timestamps.max() ?? baseTimestamp)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        buffer.writeInteger(baseSequence)
        buffer.writeInteger(Int32(timestamps.count))
        buffer.writeBuffer(&records)
        guard var batch = try? RecordBatch(bytes: buffer) else { return buffer }
        batch.updateCRC()
        return batch.bytes
    }
}

extension ByteBuffer {
    /// The batches in these bytes.
    var batches: [RecordBatch] { Array(RecordBatchSequence(self)) }
}
