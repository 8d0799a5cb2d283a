import KafkaRecords
import LogStorage
import NIOCore
import Raft

/// The metadata quorum's log, `<data-dir>/__cluster_metadata-0`, as the Raft module sees it. Every append
/// is fsynced before it returns, so what the node reports to its leader or votes on is on disk.
///
/// The entries are also kept in memory: the metadata log is small, the quorum reads it by entry, and the
/// controller replays it. A storage error is remembered in `failure` (the protocol's calls cannot throw);
/// the quorum stops on it, as Kafka's raft client does on a failed metadata write.
final class MetadataRaftLog: RaftLog {
    let log: PartitionLog
    private var mirror: [RaftEntry]
    private let clock: @Sendable () -> Int64
    private(set) var failure: (any Error)?

    init(log: PartitionLog, clock: @escaping @Sendable () -> Int64) throws {
        self.log = log
        self.clock = clock
        var entries: [RaftEntry] = []
        var next = log.logStartOffset
        while next < log.logEndOffset {
            let result = try log.read(from: next, maxBytes: 1 << 20, upTo: log.logEndOffset, minOneBatch: true)
            guard !result.slices.isEmpty else { break }
            let before = next
            for slice in result.slices {
                let bytes = try slice.readBytes()
                entries.append(contentsOf: try RaftRecordBatches.decode(bytes).filter { $0.offset >= next })
                for batch in RecordBatchSequence(bytes) { next = max(next, batch.nextOffset) }
            }
            if next == before { break }
        }
        mirror = entries
    }

    var startOffset: Int64 { log.logStartOffset }
    var endOffset: Int64 { log.logEndOffset }
    var lastEpoch: Int32 { mirror.last?.epoch ?? 0 }

    func entries(from offset: Int64, maxCount: Int) -> [RaftEntry] {
        let start = firstIndex(atOrAfter: offset)
        return Array(mirror[start..<min(mirror.count, start + maxCount)])
    }

    func append(_ entries: [RaftEntry]) {
        guard failure == nil, !entries.isEmpty else { return }
        do {
            let now = clock()
            _ = try log.appendAsFollower(try RaftRecordBatches.encode(entries, timestamp: now), now: now)
            try log.flush(now: now)
            mirror.append(contentsOf: entries)
        } catch {
            failure = error
        }
    }

    func truncate(to offset: Int64) {
        guard failure == nil else { return }
        do {
            try log.truncate(to: offset, now: clock())
            mirror.removeSubrange(firstIndex(atOrAfter: offset)...)
        } catch {
            failure = error
        }
    }

    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch {
        guard let last = mirror.lastIndex(where: { $0.epoch <= epoch }) else { return OffsetAndEpoch(offset: 0, epoch: 0) }
        let found = mirror[last].epoch
        let end = last + 1 < mirror.count ? mirror[last + 1].offset : endOffset
        return OffsetAndEpoch(offset: end, epoch: found)
    }

    /// Committed data entries from `offset` up to `end`, for the controller to replay.
    func dataEntries(from offset: Int64, upTo end: Int64) -> [(offset: Int64, value: ByteBuffer)] {
        var values: [(offset: Int64, value: ByteBuffer)] = []
        for entry in mirror[firstIndex(atOrAfter: offset)...] {
            guard entry.offset < end else { break }
            if case .data(let value) = entry.payload { values.append((entry.offset, value)) }
        }
        return values
    }

    func close() throws { try log.close(now: clock()) }

    private func firstIndex(atOrAfter offset: Int64) -> Int {
        var low = 0
        var high = mirror.count
        while low < high {
            let mid = (low + high) / 2
            if mirror[mid].offset < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
