import KafkaRecords
import LogStorage
import NIOCore
import Raft
import SystemPackage

/// The metadata quorum's log, `<data-dir>/__cluster_metadata-0`, as the Raft module sees it. Every append
/// is fsynced before it returns, so what the node reports to its leader or votes on is on disk.
///
/// The entries are also kept in memory: the metadata log is small, the quorum reads it by entry, and the
/// controller replays it. A storage error is remembered in `failure` (the protocol's calls cannot throw);
/// the quorum stops on it, as Kafka's raft client does on a failed metadata write.
///
/// Snapshots (KIP-630) sit beside the segments as `<offset>-<epoch>.checkpoint`, Kafka's names. Only
/// the newest is kept, and the log starts where it ends: the segments it covers are deleted.
final class MetadataRaftLog: RaftLog {
    let log: PartitionLog
    private let fileSystem: any LogFileSystem
    private var mirror: [RaftEntry] = []
    private(set) var snapshot: (id: OffsetAndEpoch, contents: ByteBuffer)?
    private let clock: @Sendable () -> Int64
    private(set) var failure: (any Error)?

    /// Opens the log on the newest snapshot, if there is one: a log that still holds entries the
    /// snapshot covers loses them, one that ends before the snapshot (a crash during an install) is
    /// emptied to start at it.
    init(log: PartitionLog, fileSystem: any LogFileSystem, clock: @escaping @Sendable () -> Int64) throws {
        self.log = log
        self.fileSystem = fileSystem
        self.clock = clock
        if let (id, name) = try Self.snapshotFiles(in: log.directory, fileSystem: fileSystem).last,
            let contents = try fileSystem.readFileIfExists(at: log.directory.appending(name))
        {
            snapshot = (id, contents)
            if log.logEndOffset < id.offset {
                try log.truncateFully(newStart: id.offset, now: clock())
            } else if log.logStartOffset < id.offset {
                log.updateHighWatermark(id.offset)
                try log.deleteRecords(before: id.offset)
            }
            try removeSnapshots(olderThan: id)
        }
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
    var lastEpoch: Int32 { mirror.last?.epoch ?? snapshot?.id.epoch ?? 0 }
    var snapshotId: OffsetAndEpoch? { snapshot?.id }

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
            try log.truncate(to: max(offset, startOffset), now: clock())
            mirror.removeSubrange(firstIndex(atOrAfter: offset)...)
        } catch {
            failure = error
        }
    }

    func endOffset(forEpoch epoch: Int32) -> OffsetAndEpoch {
        guard let last = mirror.lastIndex(where: { $0.epoch <= epoch }) else {
            if let snapshot, snapshot.id.epoch <= epoch { return OffsetAndEpoch(offset: startOffset, epoch: snapshot.id.epoch) }
            return OffsetAndEpoch(offset: 0, epoch: 0)
        }
        let found = mirror[last].epoch
        let end = last + 1 < mirror.count ? mirror[last + 1].offset : endOffset
        return OffsetAndEpoch(offset: end, epoch: found)
    }

    // MARK: Snapshots

    func readSnapshot(_ id: OffsetAndEpoch, position: Int64, maxBytes: Int) -> (bytes: ByteBuffer, size: Int64)? {
        guard let snapshot, snapshot.id == id else { return nil }
        return Self.snapshotChunk(of: snapshot.contents, position: position, maxBytes: maxBytes)
    }

    /// Writes the snapshot file, then moves the log start to it and deletes the segments it covers.
    func storeSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer) {
        guard failure == nil else { return }
        do {
            try writeSnapshotFile(id, contents: contents)
            let now = clock()
            log.updateHighWatermark(id.offset)
            try log.deleteRecords(before: id.offset)
            try log.deleteOldSegments(now: now)
            mirror.removeSubrange(..<firstIndex(atOrAfter: id.offset))
            snapshot = (id, contents)
            try removeSnapshots(olderThan: id)
        } catch {
            failure = error
        }
    }

    /// Writes the snapshot file, then empties the log to start at it.
    func installSnapshot(_ id: OffsetAndEpoch, contents: ByteBuffer) {
        guard failure == nil else { return }
        do {
            try writeSnapshotFile(id, contents: contents)
            try log.truncateFully(newStart: id.offset, now: clock())
            mirror = []
            snapshot = (id, contents)
            try removeSnapshots(olderThan: id)
        } catch {
            failure = error
        }
    }

    /// Kafka's snapshot file name: the end offset in 20 digits and the epoch in 10.
    static func snapshotFileName(_ id: OffsetAndEpoch) -> String {
        func padded(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(id.offset, 20))-\(padded(id.epoch, 10)).checkpoint"
    }

    /// The snapshot files in `directory`, oldest first.
    static func snapshotFiles(in directory: FilePath, fileSystem: any LogFileSystem) throws -> [(OffsetAndEpoch, String)] {
        try fileSystem.contentsOfDirectory(at: directory).compactMap { name -> (OffsetAndEpoch, String)? in
            guard name.hasSuffix(".checkpoint") else { return nil }
            let parts = name.dropLast(".checkpoint".count).split(separator: "-")
            guard parts.count == 2, let offset = Int64(parts[0]), let epoch = Int32(parts[1]) else { return nil }
            return (OffsetAndEpoch(offset: offset, epoch: epoch), name)
        }.sorted { $0.0 < $1.0 }
    }

    private func writeSnapshotFile(_ id: OffsetAndEpoch, contents: ByteBuffer) throws {
        try fileSystem.writeFileAtomically(contents, to: log.directory.appending(Self.snapshotFileName(id)))
    }

    private func removeSnapshots(olderThan id: OffsetAndEpoch) throws {
        for (other, name) in try Self.snapshotFiles(in: log.directory, fileSystem: fileSystem) where other != id {
            try fileSystem.removeItem(at: log.directory.appending(name))
        }
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
