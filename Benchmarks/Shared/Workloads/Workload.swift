import KafkaRecords
import NIOCore

/// Batches of ~100-byte records (an 8-byte key, an 84-byte value, no headers), filled to a size the
/// way a producer fills to `batch.size`. Shared by every benchmark target.
public enum Workload {
    public static let key = ByteBuffer(string: "key-0042")
    public static let value = ByteBuffer(bytes: (0..<84).map { UInt8(ascii: "a") + UInt8($0 % 26) })

    public static func batch(bytes limit: Int, compression: CompressionType = .none) -> RecordBatch {
        var builder = RecordBatchBuilder(compression: compression, initialCapacity: limit)
        var timestamp: Int64 = 1_700_000_000_000
        while builder.hasRoomFor(key: key, value: value, timestamp: timestamp, sizeLimit: limit) {
            builder.append(key: key, value: value, timestamp: timestamp)
            timestamp += 1
        }
        do {
            return try builder.build()
        } catch {
            preconditionFailure("building a benchmark batch failed: \(error)")  // a bug, not input
        }
    }
}
