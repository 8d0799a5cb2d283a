import Foundation
import NIOCore
import Testing
@testable import KafkaRecords

/// LZ4: Kafka's frame on the way out; every frame option on the way in (checked against frames the
/// reference `lz4` CLI wrote); every malformed field refused. Hand-made frames follow lz4's
/// doc/lz4_Frame_format.md and doc/lz4_Block_format.md.
@Suite struct LZ4CodecTests {
    let codec = LZ4Codec()

    /// Magic, FLG, BD, optional content size, and the right header checksum.
    func frameHeader(
        flags: UInt8 = 0x60, blockDescriptor: UInt8 = 0x40, contentSize: UInt64? = nil, dictionaryID: UInt32? = nil
    ) -> ByteBuffer {
        var descriptor: [UInt8] = [flags, blockDescriptor]
        if let contentSize { withUnsafeBytes(of: contentSize.littleEndian) { descriptor += $0 } }
        if let dictionaryID { withUnsafeBytes(of: dictionaryID.littleEndian) { descriptor += $0 } }
        var frame = ByteBuffer()
        frame.writeInteger(UInt32(0x184D_2204), endianness: .little)
        frame.writeBytes(descriptor)
        frame.writeInteger(LZ4Codec.headerChecksum(descriptor))
        return frame
    }

    /// A frame of the given blocks (each with its size header; `stored` sets the uncompressed bit).
    func frame(flags: UInt8 = 0x60, blocks: [(stored: Bool, bytes: [UInt8])], endMark: Bool = true) -> ByteBuffer {
        var frame = frameHeader(flags: flags)
        for block in blocks {
            frame.writeInteger(UInt32(block.bytes.count) | (block.stored ? 0x8000_0000 : 0), endianness: .little)
            frame.writeBytes(block.bytes)
        }
        if endMark { frame.writeInteger(UInt32(0)) }
        return frame
    }

    func fixture(_ name: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: Fixture.directory().appendingPathComponent(name)))
    }

    @Test func writesKafkasFrame() throws {
        let stream = try compressed(CodecInput.realistic(150_000), with: codec)
        #expect(stream.getBytes(at: 0, length: 7) == [0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82])
        #expect(stream.getBytes(at: stream.readableBytes - 4, length: 4) == [0, 0, 0, 0])
        // Three blocks: 64 KiB, 64 KiB and the rest, each compressed.
        var position = 7
        var sizes: [UInt32] = []
        while let size = stream.getInteger(at: position, endianness: .little, as: UInt32.self), size != 0 {
            sizes.append(size)
            position += 4 + Int(size & 0x7FFF_FFFF)
        }
        #expect(sizes.count == 3 && sizes.allSatisfy { $0 < 0x8000_0000 && $0 < 30_000 })
        #expect(position + 4 == stream.readableBytes)
        #expect(try compressed(ByteBuffer(), with: codec).bytes == [0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0])
    }

    @Test func incompressibleBlocksAreStored() throws {
        var generator = SeededGenerator(seed: 1_234)
        let input = randomBytes(100_000, using: &generator)
        let stream = try compressed(input, with: codec)
        #expect(stream.getInteger(at: 7, endianness: .little, as: UInt32.self) == 0x8001_0000)
        #expect(stream.getBytes(at: 11, length: 65_536) == input.getBytes(at: 0, length: 65_536))
        #expect(stream.getInteger(at: 11 + 65_536, endianness: .little, as: UInt32.self) == UInt32(0x8000_0000 + 34_464))
        #expect(stream.readableBytes == 7 + 4 + 65_536 + 4 + 34_464 + 4)
        #expect(try codec.decompress(stream, limit: 100_000) == input)
    }

    @Test func tinyBlocksAreLiteralsOnly() throws {
        // Under 13 bytes a block cannot hold a match; stored, as it is no smaller compressed.
        let stream = try compressed(buffer("aaaaaaaaaaaa"), with: codec)
        #expect(stream.getInteger(at: 7, endianness: .little, as: UInt32.self) == 0x8000_000C)
        // The block encoder alone: one token, 12 literals.
        let block = buffer("aaaaaaaaaaaa").withUnsafeReadableBytes { input in
            [UInt8](unsafeUninitializedCapacity: 64) { out, count in
                let finder = LZ77MatchFinder(blockSize: 12)
                count = LZ4Block.encode(input, into: UnsafeMutableRawBufferPointer(out), finder: finder)
            }
        }
        #expect(block == [0xC0] + Array(repeating: 0x61, count: 12))
    }

    @Test func encoderKeepsTheEndOfBlockRules() throws {
        // A run of 1,000 bytes: one literal, one match of 994 (offset 1) that stops 5 bytes before the
        // end, then the last sequence with those 5 literals.
        let stream = try compressed(ByteBuffer(repeating: 0x41, count: 1_000), with: codec)
        #expect(stream.getInteger(at: 7, endianness: .little, as: UInt32.self) == 14)
        #expect(stream.getBytes(at: 11, length: 14) == [0x1F, 0x41, 0x01, 0x00, 255, 255, 255, 210, 0x50, 0x41, 0x41, 0x41, 0x41, 0x41])
    }

    @Test func readsLinkedBlocks() throws {
        // Block 2 copies 16 bytes from block 1: fine when blocks are linked (FLG 0x40), refused when the
        // frame says they are independent (0x60).
        let first: (Bool, [UInt8]) = (true, Array("0123456789abcdef".utf8))
        let second: (Bool, [UInt8]) = (false, [0x0C, 0x10, 0x00, 0x50] + Array("XYZWV".utf8))
        #expect(try codec.decompress(frame(flags: 0x40, blocks: [first, second]), limit: 100).text == "0123456789abcdef0123456789abcdefXYZWV")
        #expect(throws: RecordBatchError.self) { try codec.decompress(frame(flags: 0x60, blocks: [first, second]), limit: 100) }
    }

    @Test func readsFramesFromTheReferenceCLI() throws {
        // lz4 1.9.4: `lz4 -B4 -BD -BX --content-size` (64 KiB linked blocks, block checksums, content size,
        // content checksum) and `lz4 -B7 --no-frame-crc` (independent blocks, 256 KiB after lz4 shrank them).
        let text = CodecInput.cliText(lines: 1_500)
        let linked = try fixture("lz4-cli-linked-checksums.lz4")
        #expect(linked.getBytes(at: 4, length: 2) == [0x5C, 0x40])
        #expect(try codec.decompress(linked, limit: text.readableBytes) == text)
        let large = try fixture("lz4-cli-256k-blocks.lz4")
        #expect(large.getBytes(at: 4, length: 2) == [0x60, 0x50])
        #expect(try codec.decompress(large, limit: text.readableBytes) == text)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 70_000)) { try codec.decompress(large, limit: 70_000) }
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 70_000)) { try codec.decompress(linked, limit: 70_000) }
    }

    @Test func checksumsAreVerified() throws {
        let linked = try fixture("lz4-cli-linked-checksums.lz4")
        // Header: magic 4, FLG, BD, content size 8, HC; then the first block's size.
        let firstBlock = Int(try #require(linked.getInteger(at: 15, endianness: .little, as: UInt32.self)) & 0x7FFF_FFFF)
        var badBlockChecksum = linked
        badBlockChecksum.setInteger(linked.getInteger(at: 19 + firstBlock, as: UInt8.self)! ^ 1, at: 19 + firstBlock)
        var badContentChecksum = linked
        badContentChecksum.setInteger(linked.getInteger(at: linked.readableBytes - 1, as: UInt8.self)! ^ 1, at: linked.readableBytes - 1)
        var badContentSize = linked
        badContentSize.setInteger(linked.getInteger(at: 6, endianness: .little, as: UInt64.self)! + 1, at: 6, endianness: .little)
        badContentSize.setInteger(LZ4Codec.headerChecksum(badContentSize.getBytes(at: 4, length: 10)!), at: 14)  // ... with a fixed HC
        var badHeaderChecksum = linked
        badHeaderChecksum.setInteger(linked.getInteger(at: 14, as: UInt8.self)! ^ 1, at: 14)
        for (stream, why) in [
            (badBlockChecksum, "block checksum mismatch"), (badContentChecksum, "content checksum mismatch"),
            (badContentSize, "frame decodes to 75222 bytes, its header says 75223"),
        ] {
            #expect(throws: RecordBatchError.corruptCompressedData(.lz4, why)) { try codec.decompress(stream, limit: 1 << 20) }
        }
        #expect(throws: RecordBatchError.self) { try codec.decompress(badHeaderChecksum, limit: 1 << 20) }
    }

    @Test func readsConcatenatedAndSkippableFrames() throws {
        var stream = try compressed(buffer("first frame, "), with: codec)
        stream.writeInteger(UInt32(0x184D_2A53), endianness: .little)
        stream.writeInteger(UInt32(3), endianness: .little)
        stream.writeBytes([1, 2, 3])
        stream.writeImmutableBuffer(try compressed(buffer("second frame"), with: codec))
        #expect(try codec.decompress(stream, limit: 100).text == "first frame, second frame")
        var garbage = try compressed(buffer("frame"), with: codec)
        garbage.writeBytes([1, 2, 3, 4, 5])
        #expect(throws: RecordBatchError.self) { try codec.decompress(garbage, limit: 100) }
    }

    @Test func contentSizeOverTheLimitFailsBeforeDecoding() throws {
        var stream = frameHeader(flags: 0x68, contentSize: 1 << 40)
        stream.writeInteger(UInt32(0))
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 1_000)) { try codec.decompress(stream, limit: 1_000) }
    }

    @Test(arguments: [
        ([0x0C, 0x00, 0x00, 0x50, 1, 2, 3, 4, 5], "offset 0"),
        ([0x10, 0x41, 0x02, 0x00, 0x50, 1, 2, 3, 4, 5], "offset past the block start"),
        ([0x10, 0x41, 0x01, 0x00], "ends after a match, with no last literals"),
        ([0x50, 1, 2], "literals past the input"),
        ([0xF0, 255, 255], "literal length cut off"),
        ([0x1F, 0x41, 0x01, 0x00, 255], "match length cut off"),
        ([0x10, 0x41, 0x01], "offset cut off"),
        ([0x1F, 0x41, 0x01, 0x00] + Array(repeating: 255, count: 300) + [0, 0x00], "decodes past the 64 KiB block size"),
        ([], "an empty block, which reads as the end mark, then no frame magic"),
    ] as [([UInt8], String)])
    func malformedBlocksAreRefused(block: [UInt8], why: String) {
        #expect(throws: RecordBatchError.self, "\(why)") {
            try codec.decompress(frame(blocks: [(false, block)]), limit: 1 << 24)
        }
    }

    @Test func malformedFramesAreRefused() throws {
        let good = try compressed(buffer("some records, some records, some records"), with: codec)
        var wrongMagic = good
        wrongMagic.setInteger(UInt8(0x05), at: 0)
        var oversizedBlock = frameHeader()
        oversizedBlock.writeInteger(UInt32(0x8001_0001), endianness: .little)
        oversizedBlock.writeRepeatingByte(0, count: 65_537)
        oversizedBlock.writeInteger(UInt32(0))
        var dictionary = frameHeader(flags: 0x61, dictionaryID: 7)
        dictionary.writeInteger(UInt32(0))
        for (stream, why) in [
            (wrongMagic, "magic"), (frameHeader(flags: 0xA0), "version 2"), (frameHeader(flags: 0x62), "reserved FLG bit"),
            (frameHeader(blockDescriptor: 0x41), "reserved BD bits"), (frameHeader(blockDescriptor: 0x30), "block size code 3"),
            (oversizedBlock, "a block over the maximum size"), (dictionary, "a dictionary id"),
            (good.getSlice(at: 0, length: good.readableBytes - 4)!, "no end mark"),
            (frame(blocks: [(true, [1, 2, 3])], endMark: false), "no end mark after a stored block"),
        ] {
            #expect(throws: RecordBatchError.self, "\(why)") { try codec.decompress(stream, limit: 1 << 20) }
        }
    }

    @Test func matchesNearThe64KiBEdge() throws {
        // A run that crosses from the first block into the second, and a phrase repeated on both sides:
        // blocks are independent, so each side is encoded on its own and decodes back exactly.
        var input = CodecInput.realistic(65_536 - 700)
        input.writeImmutableBuffer(ByteBuffer(repeating: 0x5A, count: 1_400))
        input.writeImmutableBuffer(CodecInput.realistic(5_000))
        let stream = try compressed(input, with: codec)
        #expect(try codec.decompress(stream, limit: input.readableBytes) == input)
        // Exactly 64 KiB ends the first block; one more byte makes a second, stored block of 1 byte.
        let exact = try compressed(CodecInput.repetitive(65_537), with: codec)
        let first = Int(try #require(exact.getInteger(at: 7, endianness: .little, as: UInt32.self)))
        #expect(exact.getInteger(at: 11 + first, endianness: .little, as: UInt32.self) == 0x8000_0001)
        #expect(try codec.decompress(exact, limit: 65_537) == CodecInput.repetitive(65_537))
    }
}
