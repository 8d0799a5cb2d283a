import Controller
import KafkaProtocol
import NIOCore
import Raft

/// A metadata snapshot's contents (KIP-630): the image's records (`MetadataImage.snapshotRecords`) as
/// record batches, the form Kafka's `.checkpoint` files have. Offsets count from 0 within the snapshot;
/// the snapshot's place in the log is its file name.
enum MetadataSnapshot {
    static func encode(_ image: MetadataImage, timestamp: Int64) throws -> ByteBuffer {
        let entries = try image.snapshotRecords().enumerated().map { index, record in
            RaftEntry(offset: Int64(index), epoch: 0, payload: .data(try MetadataRecordSerde.encode(record)))
        }
        return try RaftRecordBatches.encode(entries, timestamp: timestamp)
    }

    static func decode(_ contents: ByteBuffer) throws -> [any KafkaMetadataRecord] {
        try RaftRecordBatches.decode(contents).compactMap { entry in
            guard case .data(let value) = entry.payload else { return nil }
            return try MetadataRecordSerde.decode(value)
        }
    }
}

/// When a broker snapshots its metadata image, as Kafka's `SnapshotGenerator` decides: once
/// `metadata.log.max.record.bytes.between.snapshots` bytes of records were applied since the last
/// snapshot, or `metadata.log.max.snapshot.interval.ms` passed with at least one record applied.
struct MetadataSnapshotPolicy {
    let maxBytes: Int64
    /// 0: only by size.
    let maxIntervalMs: Int64
    private(set) var bytesSinceSnapshot: Int64 = 0
    private var lastSnapshot: Int64

    init(maxBytes: Int64, maxIntervalMs: Int64, now: Int64) {
        self.maxBytes = maxBytes
        self.maxIntervalMs = maxIntervalMs
        lastSnapshot = now
    }

    mutating func applied(bytes: Int) { bytesSinceSnapshot += Int64(bytes) }

    func isDue(now: Int64) -> Bool {
        bytesSinceSnapshot >= maxBytes || (maxIntervalMs > 0 && bytesSinceSnapshot > 0 && now - lastSnapshot >= maxIntervalMs)
    }

    /// A snapshot was taken or loaded: counting starts again.
    mutating func reset(now: Int64) {
        bytesSinceSnapshot = 0
        lastSnapshot = now
    }
}
