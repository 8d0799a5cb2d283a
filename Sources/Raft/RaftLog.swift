import NIOCore

/// The log a quorum replicates (Kafka's `ReplicatedLog`), behind a protocol so the quorum does no I/O:
/// the broker backs it with `__cluster_metadata-0` on disk, a simulation with memory.
///
/// Appends are durable when they return (the metadata log is flushed on every append), so what a node
/// reports to its leader is on its disk.
///
/// A log may start after offset 0: what came before is then held by a snapshot (KIP-630) whose id is
/// the log's start offset with the epoch of the last entry the snapshot covers.
public protocol RaftLog: AnyObject {
    /// The offset of the first entry the log holds (0 until a snapshot replaced a prefix).
    var startOffset: Int64 { get }
    /// The offset the next entry gets.
    var endOffset: Int64 { get }
    /// The epoch of the last entry, or of the snapshot when the log holds no entry (0 when empty).
    var lastEpoch: Int32 { get }
    /// The snapshot the log starts from: offset `startOffset` and the epoch of the entry before it.
    /// nil while the log starts at 0.
    var snapshotId: OffsetAndEpoch? { get }
    /// Up to `maxCount` entries from `offset` on (`offset` ≥ `startOffset`).
    func entries(from offset: Int64, maxCount: Int) -> [RaftEntry]
    /// Appends entries whose offsets continue the log.
    func append(_ entries: [RaftEntry])
    /// Removes every entry at or after `offset` (never below `startOffset`).
    func truncate(to offset: Int64)
    /// Kafka's `endOffsetForEpoch`: the largest epoch ≤ `epoch` that the log (or its snapshot) has, and
    /// the offset where the log moves past it (the next epoch's first offset, or the log end).
    /// (offset 0, epoch 0) when the log has nothing at or below `epoch`.
    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch
    /// Up to `maxBytes` of the snapshot `id` from `position`, and the snapshot's whole size; nil when the
    /// log no longer has that snapshot.
    func readSnapshot(_ id: OffsetAndEpoch, position: Int64, maxBytes: Int) -> (bytes: ByteBuffer, size: Int64)?
    /// Keeps `contents` as the snapshot `id` of the committed entries below `id.offset`, and drops those
    /// entries: the log then starts at `id.offset`. Entries at and above it stay.
    func storeSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer)
    /// A follower's whole log is replaced by the snapshot `id` its leader sent: the log is empty and
    /// starts at `id.offset`.
    func installSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer)
}

extension RaftLog {
    /// Where the log ends, with its last epoch: what a candidate or a fetching follower presents.
    public var endOffsetAndEpoch: OffsetAndEpoch { OffsetAndEpoch(offset: endOffset, epoch: lastEpoch) }

    /// The epoch of the entry at `offset - 1`, the id a snapshot ending at `offset` gets; nil when that
    /// entry is neither in the log nor the snapshot's last.
    public func epoch(before offset: Int64) -> Int32? {
        if let snapshotId, offset == snapshotId.offset { return snapshotId.epoch }
        guard offset > startOffset, offset <= endOffset else { return nil }
        return entries(from: offset - 1, maxCount: 1).first?.epoch
    }

    /// The chunk of a snapshot's `contents` that FetchSnapshot asks for: up to `maxBytes` from
    /// `position` (none past the end), with the whole size. For `readSnapshot` implementations.
    public static func snapshotChunk(of contents: ByteBuffer, position: Int64, maxBytes: Int) -> (bytes: ByteBuffer, size: Int64) {
        let size = Int64(contents.readableBytes)
        guard position >= 0, position <= size else { return (ByteBuffer(), size) }
        let length = Int(min(Int64(maxBytes), size - position))
        return (contents.getSlice(at: contents.readerIndex + Int(position), length: length)!, size)
    }
}
