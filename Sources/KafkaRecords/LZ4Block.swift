/// LZ4 compressed blocks, as lz4/lz4's `doc/lz4_Block_format.md` describes them: sequences of a token
/// (4 bits literal length, 4 bits match length - 4, 15 meaning "more bytes follow, 255 meaning more
/// again"), the literals, a 2-byte little-endian offset and the rest of the match length. The last
/// sequence has literals only.
///
/// Internal: `LZ4Codec` puts these blocks in the LZ4 frame format. The decoder checks every length and
/// offset against both buffers before it touches memory.
enum LZ4Block {
    /// The encoder's end-of-block rules: the last match starts at least 12 bytes before the end, and the
    /// last 5 bytes are literals.
    static let matchStartMargin = 12
    static let lastLiterals = 5

    /// The most bytes `encode` writes for `count` input bytes.
    static func maxEncodedLength(_ count: Int) -> Int { count + count / 255 + 16 }

    /// What decoding a block came to.
    enum Outcome {
        /// Decoded this many bytes.
        case decoded(Int)
        /// The block wants to write past the end of `output`.
        case outputFull
    }

    /// Decodes `input` into `output` starting at `start`. Matches may reach back to `historyStart`
    /// (the block's own start for independent blocks, the frame's start for linked ones). Never writes
    /// past `output.count`; reports `.outputFull` instead, so the caller can tell a block larger than
    /// its frame allows from one that crosses the caller's size limit.
    static func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, at start: Int, historyStart: Int
    ) throws(RecordBatchError) -> Outcome {
        let inputEnd = input.count
        let outputEnd = output.count
        var position = 0
        var written = start
        while true {
            guard position < inputEnd else { throw corrupt("block ends inside a sequence") }
            let token = input[position]
            position += 1
            var literals = Int(token >> 4)
            if literals == 15 {
                guard let more = readLength(input, &position) else { throw corrupt("literal length is cut off") }
                literals += more
            }
            guard literals <= inputEnd - position else { throw corrupt("literals run past the end of the block") }
            guard literals <= outputEnd - written else { return .outputFull }
            if literals > 0 {
                (output.baseAddress! + written).copyMemory(from: input.baseAddress! + position, byteCount: literals)
                position += literals
                written += literals
            }
            if position == inputEnd { return .decoded(written - start) }  // the last sequence: literals only
            guard inputEnd - position >= 2 else { throw corrupt("match offset is cut off") }
            let offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
            position += 2
            guard offset > 0, offset <= written - historyStart else {
                throw corrupt("match offset \(offset) at output position \(written - start) points outside the block")
            }
            var length = Int(token & 15) + 4
            if length == 19 {
                guard let more = readLength(input, &position) else { throw corrupt("match length is cut off") }
                length += more
            }
            guard length <= outputEnd - written else { return .outputFull }
            copyMatch(in: output, at: written, offset: offset, length: length)
            written += length
        }
    }

    /// Reads the extra length bytes after a 15 in the token: a run of 255s and the byte that ends it.
    /// Each byte takes one input byte, so the sum stays below 255 times the block size: no overflow.
    @inline(__always)
    private static func readLength(_ input: UnsafeRawBufferPointer, _ position: inout Int) -> Int? {
        var total = 0
        while position < input.count {
            let byte = input[position]
            position += 1
            total += Int(byte)
            if byte != 255 { return total }
        }
        return nil
    }

    /// Compresses `input` (at most 64 KiB) into `output`, which has room for `maxEncodedLength`;
    /// returns the bytes written.
    static func encode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, finder: borrowing LZ77MatchFinder
    ) -> Int {
        var writer = Writer(input: input, output: output)
        finder.parse(
            input, matchStartLimit: input.count - matchStartMargin, matchEndLimit: input.count - lastLiterals, into: &writer)
        return writer.position
    }

    private static func corrupt(_ why: String) -> RecordBatchError { .corruptCompressedData(.lz4, why) }

    /// Writes sequences in LZ4's encoding.
    struct Writer: LZ77SequenceWriter {
        let input: UnsafeRawBufferPointer
        let output: UnsafeMutableRawBufferPointer
        var position = 0

        mutating func write(literals: Range<Int>, offset: Int, length: Int) {
            let matchCode = length - LZ77MatchFinder.minMatch
            let tokenPosition = position
            position += 1
            copyLiterals(literals)
            output.storeBytes(of: UInt16(offset).littleEndian, toByteOffset: position, as: UInt16.self)
            position += 2
            if matchCode >= 15 { extend(matchCode - 15) }
            output[tokenPosition] = UInt8(min(literals.count, 15) << 4 | min(matchCode, 15))
        }

        mutating func finish(literals: Range<Int>) {
            let tokenPosition = position
            position += 1
            copyLiterals(literals)
            output[tokenPosition] = UInt8(min(literals.count, 15) << 4)
        }

        private mutating func copyLiterals(_ range: Range<Int>) {
            if range.count >= 15 { extend(range.count - 15) }
            guard !range.isEmpty else { return }
            (output.baseAddress! + position).copyMemory(from: input.baseAddress! + range.lowerBound, byteCount: range.count)
            position += range.count
        }

        /// The extra length bytes: 255 as often as it fits, then the rest (possibly 0).
        private mutating func extend(_ value: Int) {
            var remaining = value
            while remaining >= 255 {
                output[position] = 255
                position += 1
                remaining -= 255
            }
            output[position] = UInt8(remaining)
            position += 1
        }
    }
}
