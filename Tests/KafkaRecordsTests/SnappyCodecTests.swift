import NIOCore
import Testing
@testable import KafkaRecords

/// Snappy: snappy-java's framing on the way out, framed or bare blocks on the way in, and every
/// malformed element refused. Hand-made blocks follow google/snappy's format_description.txt.
@Suite struct SnappyCodecTests {
    let codec = SnappyCodec()
    static let header: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]

    /// A framed stream around the given raw blocks.
    func framed(_ blocks: [[UInt8]]) -> ByteBuffer {
        var stream = bytes(Self.header)
        for block in blocks {
            stream.writeInteger(UInt32(block.count))
            stream.writeBytes(block)
        }
        return stream
    }

    /// The chunks of a framed stream: (compressed length, declared uncompressed length).
    func chunks(of stream: ByteBuffer) throws -> [(Int, Int)] {
        var reader = stream
        #expect(reader.readBytes(length: 16) == Self.header)
        var result: [(Int, Int)] = []
        while reader.readableBytes > 0 {
            let length = reader.readInteger(as: UInt32.self).map(Int.init) ?? 0
            let block = reader.readSlice(length: length) ?? ByteBuffer()
            let declared = block.withUnsafeReadableBytes { SnappyBlock.readLength($0)?.length }
            result.append((length, try #require(declared)))
        }
        return result
    }

    @Test func writesSnappyJavaFramingIn32KiBChunks() throws {
        let stream = try compressed(CodecInput.realistic(100_000), with: codec)
        let chunks = try chunks(of: stream)
        #expect(chunks.map(\.1) == [32_768, 32_768, 32_768, 1_696])
        #expect(chunks.allSatisfy { $0.0 < $0.1 })  // each chunk compressed
        #expect(try compressed(ByteBuffer(), with: codec).bytes == Self.header)
    }

    @Test func incompressibleDataBecomesOneLiteralPerChunk() throws {
        var generator = SeededGenerator(seed: 99)
        let input = randomBytes(40_000, using: &generator)
        let stream = try compressed(input, with: codec)
        let chunks = try chunks(of: stream)
        #expect(chunks.map(\.1) == [32_768, 7_232])
        // preamble 80 80 02, tag 61<<2 (two length bytes), length-1 = 0x7FFF, then the bytes as they are.
        #expect(stream.getBytes(at: 20, length: 6) == [0x80, 0x80, 0x02, 0xF4, 0xFF, 0x7F])
        #expect(stream.getBytes(at: 26, length: 32_768) == input.getBytes(at: 0, length: 32_768))
        #expect(stream.readableBytes == 16 + 4 + 6 + 32_768 + 4 + 5 + 7_232)
        #expect(try codec.decompress(stream, limit: 40_000) == input)
    }

    @Test func readsARawBlockWithoutFraming() throws {
        // The format description's example: "xababab" = literal "xab", then copy offset 2, length 4.
        #expect(try codec.decompress(bytes([7, 0x08, 0x78, 0x61, 0x62, 0x01, 0x02]), limit: 100).text == "xababab")
        // "abcd", a 2-byte-offset copy (offset 4, length 10), a 4-byte-offset copy (offset 13, length 3).
        let block: [UInt8] = [17, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x26, 0x04, 0x00, 0x0B, 0x0D, 0x00, 0x00, 0x00]
        #expect(try codec.decompress(bytes(block), limit: 100).text == "abcdabcdabcdabbcd")
    }

    @Test func readsLongLiteralLengths() throws {
        let text = Array(String(repeating: "0123456789", count: 7).utf8)  // 70 bytes: one length byte
        var block: [UInt8] = [70, 60 << 2, 69]
        block += text
        #expect(try codec.decompress(bytes(block), limit: 100).bytes == text)
        #expect(try codec.decompress(framed([block, block]), limit: 140).bytes == text + text)
    }

    @Test func readsConcatenatedFramedStreams() throws {
        var stream = try compressed(buffer("first stream, "), with: codec)
        stream.writeImmutableBuffer(try compressed(buffer("second stream"), with: codec))
        #expect(try codec.decompress(stream, limit: 100).text == "first stream, second stream")
    }

    @Test func framedStreamWithNoChunksIsEmpty() throws {
        #expect(try codec.decompress(bytes(Self.header), limit: 100).readableBytes == 0)
        #expect(try codec.decompress(framed([[0]]), limit: 100).readableBytes == 0)
    }

    @Test(arguments: [
        ([7, 0x08, 0x78, 0x61, 0x62, 0x01, 0x00], "copy offset 0"),
        ([7, 0x08, 0x78, 0x61, 0x62, 0x01, 0x04], "copy offset past the start"),
        ([3, 0x01, 0x01], "a copy before any output"),
        ([7, 0x08, 0x78, 0x61, 0x62], "fewer bytes than declared"),
        ([2, 0x08, 0x78, 0x61, 0x62], "more bytes than declared (literal)"),
        ([4, 0x08, 0x78, 0x61, 0x62, 0x01, 0x02], "more bytes than declared (copy)"),
        ([9, 0x10, 0x78, 0x61], "literal past the input"),
        ([9, 0xF0], "literal length byte cut off"),
        ([9, 0x08, 0x78, 0x61, 0x62, 0x02, 0x01], "2-byte offset cut off"),
        ([9, 0x08, 0x78, 0x61, 0x62, 0x03, 0x01, 0x00], "4-byte offset cut off"),
        ([9, 0x08, 0x78, 0x61, 0x62, 0x01], "1-byte offset cut off"),
        ([0x80, 0x80], "preamble cut off"),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "preamble over 2^32"),
        ([0xFF, 0xFF, 0x7F, 0x00], "declares far more than the block can hold"),
        ([0, 0x00, 0x61], "elements after an empty block"),
    ] as [([UInt8], String)])
    func malformedRawBlocksAreRefused(block: [UInt8], why: String) {
        #expect(throws: RecordBatchError.self, "\(why)") { try codec.decompress(bytes(block), limit: 1 << 24) }
        #expect(throws: RecordBatchError.self, "\(why), framed") { try codec.decompress(framed([block]), limit: 1 << 24) }
    }

    @Test func malformedFramingIsRefused() throws {
        let good = try compressed(buffer("some records"), with: codec)
        var trailing = good
        trailing.writeBytes([0, 0])
        var tooLong = good
        tooLong.setInteger(UInt32(1_000), at: 16)
        var zeroChunk = bytes(Self.header)
        zeroChunk.writeInteger(UInt32(0))
        for stream in [trailing, tooLong, zeroChunk, good.getSlice(at: 0, length: 12)!] {
            #expect(throws: RecordBatchError.self) { try codec.decompress(stream, limit: 1_000) }
        }
    }

    @Test func declaredLengthsAreCheckedAgainstTheLimitBeforeDecoding() throws {
        // Two chunks that declare 600 bytes each, with garbage after the preambles: the limit trips first.
        let chunk: [UInt8] = [0xD8, 0x04] + [UInt8](repeating: 0xFE, count: 30)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 1_000)) {
            try codec.decompress(framed([chunk, chunk]), limit: 1_000)
        }
    }

    @Test func matchesAcrossTheChunkEdgeStillRoundTrip() throws {
        // The same 1,000 bytes just before and just after 32 KiB: the second copy cannot reach the first
        // (chunks are independent), so it is found again inside its own chunk or stored as literals.
        var generator = SeededGenerator(seed: 7)
        let unit = randomBytes(1_000, using: &generator)
        var input = randomBytes(31_768, using: &generator)
        input.writeImmutableBuffer(unit)
        input.writeImmutableBuffer(unit)
        input.writeImmutableBuffer(unit)
        #expect(try codec.decompress(try compressed(input, with: codec), limit: input.readableBytes) == input)
    }
}
