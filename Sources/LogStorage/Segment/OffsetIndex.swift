import NIOCore

/// Kafka's sparse offset index (`.index`): entries of (offset relative to the segment's base offset,
/// position in the `.log` file), int32 each, big endian. An entry is added every
/// `index.interval.bytes` appended; its offset is the last offset of the batch that starts at its
/// position, as Kafka writes it.
///
/// A lookup returns the entry with the largest offset not above the target: the batch holding the
/// target starts at that position or after it. The entries live in memory; `IndexFile` writes them.
struct OffsetIndex: Sendable {
    static let entrySize = 8

    let baseOffset: Int64
    let maxEntries: Int
    /// (relative offset << 32) | position, in increasing order of both.
    private(set) var entries: [UInt64] = []

    init(baseOffset: Int64, maxEntries: Int) {
        self.baseOffset = baseOffset
        self.maxEntries = maxEntries
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= maxEntries }

    func offset(at index: Int) -> Int64 { baseOffset + Int64(entries[index] >> 32) }
    func position(at index: Int) -> Int64 { Int64(entries[index] & 0xFFFF_FFFF) }

    /// The greatest indexed offset, or the base offset when empty.
    var lastOffset: Int64 { entries.isEmpty ? baseOffset : offset(at: entries.count - 1) }
    /// The position of the last entry, or 0.
    var lastPosition: Int64 { entries.isEmpty ? 0 : position(at: entries.count - 1) }

    /// The entry with the largest offset ≤ `target`, or (base offset, 0).
    func lookup(_ target: Int64) -> (offset: Int64, position: Int64) {
        guard let index = largestIndex(atMost: target) else { return (baseOffset, 0) }
        return (offset(at: index), position(at: index))
    }

    /// Adds an entry; ignored when the index is full or the entry would not increase.
    mutating func append(offset: Int64, position: Int64) {
        let relative = offset - baseOffset
        guard !isFull, relative >= 0, relative <= Int64(Int32.max), position >= 0, position <= Int64(Int32.max) else {
            return
        }
        if !entries.isEmpty, offset <= lastOffset || position <= lastPosition { return }
        entries.append(UInt64(relative) << 32 | UInt64(position))
    }

    /// Removes every entry whose offset is ≥ `target`.
    mutating func truncate(removingFrom target: Int64) {
        let keep = largestIndex(atMost: target - 1).map { $0 + 1 } ?? 0
        entries.removeLast(entries.count - keep)
    }

    mutating func removeAll() { entries.removeAll() }

    private func largestIndex(atMost target: Int64) -> Int? {
        var low = 0, high = entries.count - 1
        var found: Int?
        while low <= high {
            let middle = (low + high) / 2
            if offset(at: middle) <= target {
                found = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }

    /// The file bytes of entries `from...`.
    func encode(from start: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity((entries.count - start) * Self.entrySize)
        for entry in entries[start...] {
            buffer.writeInteger(UInt32(entry >> 32))
            buffer.writeInteger(UInt32(entry & 0xFFFF_FFFF))
        }
        return buffer
    }

    /// Loads an index file, with Kafka's sanity checks and a few more: whole entries, offsets and
    /// positions strictly increasing, every position inside the log file.
    static func decode(_ bytes: ByteBuffer, baseOffset: Int64, maxEntries: Int, logSize: Int64) throws(IndexCorruption) -> OffsetIndex {
        guard bytes.readableBytes % entrySize == 0 else {
            throw IndexCorruption("size \(bytes.readableBytes) is not a multiple of \(entrySize)")
        }
        var index = OffsetIndex(baseOffset: baseOffset, maxEntries: max(maxEntries, bytes.readableBytes / entrySize))
        var reader = bytes
        while let relative: Int32 = reader.readInteger(), let position: Int32 = reader.readInteger() {
            guard relative >= 0, position >= 0 else { throw IndexCorruption("negative entry (\(relative), \(position))") }
            if let last = index.entries.last {
                guard UInt64(relative) > last >> 32, UInt64(position) > last & 0xFFFF_FFFF else {
                    throw IndexCorruption("entries not increasing at relative offset \(relative)")
                }
            }
            guard Int64(position) < logSize else {
                throw IndexCorruption("position \(position) beyond the log's \(logSize) bytes")
            }
            index.entries.append(UInt64(relative) << 32 | UInt64(position))
        }
        return index
    }
}

/// Why an index file was not trusted (it is rebuilt from the log).
struct IndexCorruption: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
