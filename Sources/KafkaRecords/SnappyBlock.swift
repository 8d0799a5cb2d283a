/// Raw snappy blocks, as google/snappy's `format_description.txt` describes them: the uncompressed
/// length as a little-endian varint, then elements, each a tag byte whose low two bits say what follows:
/// a literal (00), or a copy with a 1-byte (01), 2-byte (10) or 4-byte (11) little-endian offset.
///
/// Internal: `SnappyCodec` puts these blocks in Kafka's framing. The decoder checks every length and
/// offset against both buffers before it touches memory.
enum SnappyBlock {
    /// The most bytes `encode` writes for `count` input bytes (snappy's own bound).
    static func maxEncodedLength(_ count: Int) -> Int { 32 + count + count / 6 }

    /// The most bytes `elements` bytes of elements can decode to: a 3-byte copy yields at most 64.
    /// Declared lengths above this are lies, refused before anything is allocated for them.
    static func maxDecodedLength(elements: Int) -> Int { elements * 22 }

    /// Reads the length preamble: the declared uncompressed length and the preamble's size, or nil when
    /// it is truncated or above 2^32 - 1.
    static func readLength(_ input: UnsafeRawBufferPointer) -> (length: Int, preambleSize: Int)? {
        var reader = RawReader(input)
        guard let length = reader.readUnsignedVarint(maxBytes: 5), length <= UInt64(UInt32.max) else { return nil }
        return (Int(length), reader.position)
    }

    /// Decodes the elements of `input` from `start` into `output`, which must come out exactly full.
    static func decode(
        _ input: UnsafeRawBufferPointer, from start: Int, into output: UnsafeMutableRawBufferPointer
    ) throws(RecordBatchError) {
        let inputEnd = input.count
        let outputEnd = output.count
        var position = start
        var written = 0
        while position < inputEnd {
            let tag = input[position]
            position += 1
            if tag & 3 == 0 {
                var length = Int(tag >> 2) + 1
                if length > 60 {
                    let lengthBytes = length - 60
                    guard inputEnd - position >= lengthBytes else { throw corrupt("literal length is cut off") }
                    length = 0
                    for index in 0..<lengthBytes { length |= Int(input[position + index]) << (8 * index) }
                    length += 1
                    position += lengthBytes
                }
                guard length <= inputEnd - position else { throw corrupt("literal of \(length) bytes runs past the input") }
                guard length <= outputEnd - written else { throw overrun(outputEnd) }
                (output.baseAddress! + written).copyMemory(from: input.baseAddress! + position, byteCount: length)
                position += length
                written += length
                continue
            }
            let length: Int
            let offset: Int
            switch tag & 3 {
            case 1:
                guard position < inputEnd else { throw corrupt("copy offset is cut off") }
                length = 4 + Int((tag >> 2) & 7)
                offset = Int(tag >> 5) << 8 | Int(input[position])
                position += 1
            case 2:
                guard inputEnd - position >= 2 else { throw corrupt("copy offset is cut off") }
                length = Int(tag >> 2) + 1
                offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
                position += 2
            default:
                guard inputEnd - position >= 4 else { throw corrupt("copy offset is cut off") }
                length = Int(tag >> 2) + 1
                offset = Int(load32(input, position))
                position += 4
            }
            guard offset > 0, offset <= written else {
                throw corrupt("copy offset \(offset) at output position \(written) points outside the block")
            }
            guard length <= outputEnd - written else { throw overrun(outputEnd) }
            copyMatch(in: output, at: written, offset: offset, length: length)
            written += length
        }
        guard written == outputEnd else { throw corrupt("block decodes to \(written) bytes, its preamble says \(outputEnd)") }
    }

    /// Compresses `input` (at most 64 KiB) into `output`, which has room for `maxEncodedLength`;
    /// returns the bytes written.
    static func encode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, finder: borrowing LZ77MatchFinder
    ) -> Int {
        var writer = Writer(input: input, output: output)
        var length = UInt32(input.count)
        while length >= 0x80 {
            writer.byte(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        writer.byte(UInt8(length))
        finder.parse(input, matchStartLimit: input.count, matchEndLimit: input.count, into: &writer)
        return writer.position
    }

    private static func corrupt(_ why: String) -> RecordBatchError { .corruptCompressedData(.snappy, why) }
    private static func overrun(_ declared: Int) -> RecordBatchError {
        corrupt("block decodes to more than the \(declared) bytes its preamble says")
    }

    /// Writes literals and copies in snappy's element encoding.
    struct Writer: LZ77SequenceWriter {
        let input: UnsafeRawBufferPointer
        let output: UnsafeMutableRawBufferPointer
        var position = 0

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            output[position] = value
            position += 1
        }

        mutating func write(literals: Range<Int>, offset: Int, length: Int) {
            literal(literals)
            var remaining = length
            // Copies hold at most 64 bytes; split so that the last piece is at least 4 (snappy's habit).
            while remaining >= 68 {
                copy(offset: offset, length: 64)
                remaining -= 64
            }
            if remaining > 64 {
                copy(offset: offset, length: 60)
                remaining -= 60
            }
            copy(offset: offset, length: remaining)
        }

        mutating func finish(literals: Range<Int>) { literal(literals) }

        private mutating func literal(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let lengthMinusOne = range.count - 1
            if lengthMinusOne < 60 {
                byte(UInt8(lengthMinusOne) << 2)
            } else {
                var lengthBytes = 1
                while lengthBytes < 4 && lengthMinusOne >> (8 * lengthBytes) != 0 { lengthBytes += 1 }
                byte(UInt8(59 + lengthBytes) << 2)
                for index in 0..<lengthBytes { byte(UInt8(truncatingIfNeeded: lengthMinusOne >> (8 * index))) }
            }
            (output.baseAddress! + position).copyMemory(from: input.baseAddress! + range.lowerBound, byteCount: range.count)
            position += range.count
        }

        private mutating func copy(offset: Int, length: Int) {
            if length <= 11 && offset < 2048 && length >= 4 {
                byte(UInt8(1 | ((length - 4) << 2) | ((offset >> 8) << 5)))
                byte(UInt8(truncatingIfNeeded: offset))
            } else {
                byte(UInt8(2 | ((length - 1) << 2)))
                byte(UInt8(truncatingIfNeeded: offset))
                byte(UInt8(truncatingIfNeeded: offset >> 8))
            }
        }
    }
}
