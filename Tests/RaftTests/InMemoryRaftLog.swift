import NIOCore
import Raft

/// The replicated log in memory, for unit tests and the simulation. Appends are durable at once (as the
/// broker's metadata log is, being flushed on every append), so a crash loses nothing appended; so is
/// the snapshot the log starts from.
final class InMemoryRaftLog: RaftLog {
    /// The entries from `startOffset` on.
    private(set) var held: [RaftEntry] = []
    private(set) var startOffset: Int64 = 0
    private(set) var snapshot: (id: OffsetAndEpoch, contents: ByteBuffer)?
    /// The lowest offset truncated since the simulation last looked (nil: none).
    var truncatedFrom: Int64?
    /// Set when a snapshot replaced the log or a prefix of it, until the simulation looks.
    var snapshotChanged = false
    /// How many snapshots a leader sent this log.
    private(set) var installs = 0

    init(_ entries: [RaftEntry] = []) { held = entries }

    var endOffset: Int64 { startOffset + Int64(held.count) }
    var lastEpoch: Int32 { held.last?.epoch ?? snapshot?.id.epoch ?? 0 }
    var snapshotId: OffsetAndEpoch? { snapshot?.id }

    /// The entry at `offset`, if the log holds it.
    func entry(at offset: Int64) -> RaftEntry? {
        guard offset >= startOffset, offset < endOffset else { return nil }
        return held[Int(offset - startOffset)]
    }

    func entries(from offset: Int64, maxCount: Int) -> [RaftEntry] {
        guard offset >= startOffset, offset < endOffset else { return [] }
        let first = Int(offset - startOffset)
        return Array(held[first..<min(held.count, first + maxCount)])
    }

    func append(_ entries: [RaftEntry]) {
        for entry in entries {
            precondition(entry.offset == endOffset, "append at \(entry.offset), log ends at \(endOffset)")
            held.append(entry)
        }
    }

    func truncate(to offset: Int64) {
        guard offset < endOffset else { return }
        precondition(offset >= startOffset, "truncate to \(offset), below the log start \(startOffset)")
        held.removeSubrange(Int(offset - startOffset)...)
        truncatedFrom = min(truncatedFrom ?? offset, offset)
    }

    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch {
        guard let last = held.lastIndex(where: { $0.epoch <= epoch }) else {
            if let snapshot, snapshot.id.epoch <= epoch { return OffsetAndEpoch(offset: startOffset, epoch: snapshot.id.epoch) }
            return OffsetAndEpoch(offset: 0, epoch: 0)
        }
        return OffsetAndEpoch(offset: startOffset + Int64(last) + 1, epoch: held[last].epoch)
    }

    func readSnapshot(_ id: OffsetAndEpoch, position: Int64, maxBytes: Int) -> (bytes: ByteBuffer, size: Int64)? {
        guard let snapshot, snapshot.id == id else { return nil }
        return Self.snapshotChunk(of: snapshot.contents, position: position, maxBytes: maxBytes)
    }

    func storeSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer) {
        precondition(id.offset > startOffset && id.offset <= endOffset, "snapshot at \(id.offset) outside \(startOffset)..<\(endOffset)")
        held.removeFirst(Int(id.offset - startOffset))
        startOffset = id.offset
        snapshot = (id, contents)
        snapshotChanged = true
    }

    func installSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer) {
        installs += 1
        held = []
        startOffset = id.offset
        snapshot = (id, contents)
        snapshotChanged = true
    }
}
