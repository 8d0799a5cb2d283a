import Raft

/// The replicated log in memory, for unit tests and the simulation. Appends are durable at once (as the
/// broker's metadata log is, being flushed on every append), so a crash loses nothing appended.
final class InMemoryRaftLog: RaftLog {
    private(set) var all: [RaftEntry] = []
    /// The lowest offset truncated since the simulation last looked (nil: none).
    var truncatedFrom: Int64?

    init(_ entries: [RaftEntry] = []) { all = entries }

    var endOffset: Int64 { Int64(all.count) }
    var lastEpoch: Int32 { all.last?.epoch ?? 0 }

    func entries(from offset: Int64, maxCount: Int) -> [RaftEntry] {
        guard offset >= 0, offset < endOffset else { return [] }
        return Array(all[Int(offset)..<Int(min(endOffset, offset + Int64(maxCount)))])
    }

    func append(_ entries: [RaftEntry]) {
        for entry in entries {
            precondition(entry.offset == endOffset, "append at \(entry.offset), log ends at \(endOffset)")
            all.append(entry)
        }
    }

    func truncate(to offset: Int64) {
        guard offset < endOffset else { return }
        all.removeSubrange(Int(max(0, offset))...)
        truncatedFrom = min(truncatedFrom ?? offset, offset)
    }

    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch {
        guard let last = all.lastIndex(where: { $0.epoch <= epoch }) else { return OffsetAndEpoch(offset: 0, epoch: 0) }
        return OffsetAndEpoch(offset: Int64(last) + 1, epoch: all[last].epoch)
    }
}
