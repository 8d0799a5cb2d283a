/// What a greedy LZ77 parse hands to a format's encoder: literal runs and back-references.
protocol LZ77SequenceWriter {
    /// Literals `input[literals]`, then a copy of `length` bytes from `offset` bytes back.
    mutating func write(literals: Range<Int>, offset: Int, length: Int)
    /// The last literal run (possibly empty); nothing follows it.
    mutating func finish(literals: Range<Int>)
}

/// The match finder shared by the snappy and lz4 encoders: one hash table of 16-bit positions, greedy
/// (the first 4-byte match found is taken and extended as far as it goes), no chains.
///
/// This is the classic fast LZ77 scheme of both reference compressors, kept simple: it finds fewer matches
/// than they do but produces valid, reasonably compressed blocks. Blocks are at most 64 KiB, so every
/// position fits the table and every offset fits 16 bits.
struct LZ77MatchFinder: ~Copyable {
    /// The largest block the finder parses in one go.
    static let maxBlockSize = 1 << 16
    static let minMatch = 4
    private static let maxTableBits = 14

    private let table: UnsafeMutablePointer<UInt16>
    private let tableBits: Int

    /// A table sized for blocks of up to `blockSize` bytes (smaller inputs get a smaller table to clear).
    init(blockSize: Int) {
        var bits = 8
        while bits < Self.maxTableBits && (1 << bits) < blockSize { bits += 1 }
        tableBits = bits
        table = .allocate(capacity: 1 << bits)
    }

    deinit { table.deallocate() }

    /// Parses `input` (at most `maxBlockSize` bytes) into `writer`. A match may start only below
    /// `matchStartLimit` and must end at or before `matchEndLimit`; both are clamped to what the input
    /// allows, so a format passes its end-of-block rules here.
    func parse<Writer: LZ77SequenceWriter>(
        _ input: UnsafeRawBufferPointer, matchStartLimit: Int, matchEndLimit: Int, into writer: inout Writer
    ) {
        precondition(input.count <= Self.maxBlockSize, "LZ77MatchFinder blocks are at most 64 KiB")
        let count = input.count
        let endLimit = min(matchEndLimit, count)
        // A match needs its first 4 bytes below endLimit.
        let startLimit = min(matchStartLimit, endLimit - Self.minMatch + 1)
        var anchor = 0
        var position = 0
        if startLimit > 0 {
            table.initialize(repeating: 0, count: 1 << tableBits)
        }
        while position < startLimit {
            let value = load32(input, position)
            let slot = hash(value)
            var candidate = Int(table[slot])
            table[slot] = UInt16(truncatingIfNeeded: position)
            guard candidate < position, load32(input, candidate) == value else {
                // Step faster through data that does not compress (as both reference encoders do).
                position += 1 + (position - anchor) >> 6
                continue
            }
            var start = position
            while start > anchor, candidate > 0, input[start - 1] == input[candidate - 1] {
                start -= 1
                candidate -= 1
            }
            // The 4 bytes at `position` match and end by endLimit (see startLimit); extend from there.
            let end = matchEnd(input, start: position + Self.minMatch, candidate: candidate + (position - start) + Self.minMatch, limit: endLimit)
            writer.write(literals: anchor..<start, offset: start - candidate, length: end - start)
            anchor = end
            position = end
            // Remember a position inside the match, so that a repeat of its tail is found next.
            if end - 2 > start, end + 2 <= count {
                table[hash(load32(input, end - 2))] = UInt16(truncatingIfNeeded: end - 2)
            }
        }
        writer.finish(literals: anchor..<count)
    }

    /// Extends a match: the first index at or after `start` (up to `limit`) where `input` differs from the
    /// bytes `start - candidate` before it. Reads 8 bytes at a time while they fit below `limit`.
    @inline(__always)
    private func matchEnd(_ input: UnsafeRawBufferPointer, start: Int, candidate: Int, limit: Int) -> Int {
        var position = start
        let distance = start - candidate
        guard position < limit else { return position }
        while position + 8 <= limit {
            let difference =
                input.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                ^ input.loadUnaligned(fromByteOffset: position - distance, as: UInt64.self)
            if difference != 0 {
                return position + UInt64(littleEndian: difference).trailingZeroBitCount >> 3
            }
            position += 8
        }
        while position < limit, input[position] == input[position - distance] { position += 1 }
        return position
    }

    @inline(__always)
    private func hash(_ value: UInt32) -> Int {
        Int((value &* 2_654_435_761) >> UInt32(32 - tableBits))
    }
}

/// A little-endian 32-bit load; the caller checked that 4 bytes are there.
@inline(__always)
func load32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

/// Copies a back-reference inside `output`: `length` bytes starting `offset` bytes before `position`.
/// The caller checked `0 < offset <= position` and `position + length <= output.count`. Overlapping
/// copies (offset < length, a run) repeat the pattern, doubling the copied span each step.
@inline(__always)
func copyMatch(in output: UnsafeMutableRawBufferPointer, at position: Int, offset: Int, length: Int) {
    let base = output.baseAddress!
    let source = base + (position - offset)
    if offset >= length {
        (base + position).copyMemory(from: source, byteCount: length)
        return
    }
    // Copy from the fixed source in spans that are whole multiples of the period, each as long as the
    // distance from source to destination, so that no single copy overlaps itself.
    var copied = 0
    while copied < length {
        let span = min(offset + copied, length - copied)
        (base + position + copied).copyMemory(from: source, byteCount: span)
        copied += span
    }
}
