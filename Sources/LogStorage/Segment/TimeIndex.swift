import NIOCore

/// Kafka's time index (`.timeindex`): entries of (timestamp int64, offset relative to the segment's
/// base int32), big endian, added with the offset index entries but only when the segment's largest
/// timestamp grew. The offset is the last offset of the batch that holds that timestamp.
///
/// Every batch up to an entry's offset has a timestamp ≤ the entry's, which lets a search by time skip
/// to the last entry below the target.
struct TimeIndex: Sendable {
    static let entrySize = 12

    struct Entry: Sendable, Hashable {
        var timestamp: Int64
        var offset: Int64
    }

    let baseOffset: Int64
    let maxEntries: Int
    private(set) var entries: [Entry] = []

    init(baseOffset: Int64, maxEntries: Int) {
        self.baseOffset = baseOffset
        self.maxEntries = maxEntries
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= maxEntries }
    var last: Entry? { entries.last }

    /// Adds (timestamp, offset) when the timestamp is larger than the last entry's and the offset not
    /// smaller. `force` ignores the size limit (the final entry of a segment that stops being active).
    mutating func maybeAppend(timestamp: Int64, offset: Int64, force: Bool = false) {
        guard force || !isFull, timestamp >= 0 else { return }
        let relative = offset - baseOffset
        guard relative >= 0, relative <= Int64(Int32.max) else { return }
        if let last = entries.last, timestamp <= last.timestamp || offset < last.offset { return }
        entries.append(Entry(timestamp: timestamp, offset: offset))
    }

    /// The last entry whose timestamp is strictly below `target`: every batch up to its offset is
    /// older than the target, so a search may start at the batch holding that offset.
    func lastEntry(before target: Int64) -> Entry? {
        var low = 0, high = entries.count - 1
        var found: Entry?
        while low <= high {
            let middle = (low + high) / 2
            if entries[middle].timestamp < target {
                found = entries[middle]
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }

    /// Removes every entry whose offset is ≥ `target`.
    mutating func truncate(removingFrom target: Int64) {
        while let last = entries.last, last.offset >= target { entries.removeLast() }
    }

    mutating func removeAll() { entries.removeAll() }

    func encode(from start: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity((entries.count - start) * Self.entrySize)
        for entry in entries[start...] {
            buffer.writeInteger(entry.timestamp)
            buffer.writeInteger(Int32(truncatingIfNeeded: entry.offset - baseOffset))
        }
        return buffer
    }

    /// Loads a time index file: whole entries, timestamps and offsets increasing, offsets inside the
    /// segment (≤ `lastOffset`, the last offset the log holds).
    static func decode(_ bytes: ByteBuffer, baseOffset: Int64, maxEntries: Int, lastOffset: Int64) throws(IndexCorruption) -> TimeIndex {
        guard bytes.readableBytes % entrySize == 0 else {
            throw IndexCorruption("size \(bytes.readableBytes) is not a multiple of \(entrySize)")
        }
        var index = TimeIndex(baseOffset: baseOffset, maxEntries: max(maxEntries, bytes.readableBytes / entrySize))
        var reader = bytes
        while let timestamp: Int64 = reader.readInteger(), let relative: Int32 = reader.readInteger() {
            let entry = Entry(timestamp: timestamp, offset: baseOffset + Int64(relative))
            guard relative >= 0, entry.offset <= lastOffset else {
                throw IndexCorruption("offset \(entry.offset) outside the segment")
            }
            if let last = index.entries.last, entry.timestamp <= last.timestamp || entry.offset < last.offset {
                throw IndexCorruption("entries not increasing at timestamp \(timestamp)")
            }
            index.entries.append(entry)
        }
        return index
    }
}
