import NIOCore
import Testing
@testable import KafkaRecords

@Suite struct GzipCodecTests {
    let codec = GzipCodec()

    func gzip(_ input: ByteBuffer) throws -> ByteBuffer {
        var output = ByteBuffer()
        try codec.compress(input, appendingTo: &output)
        return output
    }

    @Test func roundTrip() throws {
        var generator = SeededGenerator(seed: 3)
        for size in [0, 1, 100, 70_000, 1 << 20] {
            let input = size == 1 << 20 ? ByteBuffer(repeating: 0x41, count: size) : randomBytes(size, using: &generator)
            let compressed = try gzip(input)
            #expect(compressed.getInteger(at: 0, as: UInt16.self) == 0x1F8B)  // a gzip member
            #expect(try codec.decompress(compressed, limit: size + 10) == input)
        }
    }

    @Test func appendsAfterWhatIsAlreadyThere() throws {
        var output = ByteBuffer(string: "header")
        try codec.compress(buffer("payload"), appendingTo: &output)
        #expect(output.readString(length: 6) == "header")
        #expect(try codec.decompress(output, limit: 100).text == "payload")
    }

    @Test func concatenatedMembersReadAsOneStream() throws {
        var stream = try gzip(buffer("first member, "))
        var second = try gzip(buffer("second member"))
        stream.writeBuffer(&second)
        #expect(try codec.decompress(stream, limit: 1_000).text == "first member, second member")
    }

    @Test func corruptedStreamFailsCleanly() throws {
        let compressed = try gzip(ByteBuffer(repeating: 0x42, count: 10_000))
        var flipped = compressed
        flipped.setInteger(flipped.getInteger(at: 20, as: UInt8.self)! ^ 0xFF, at: 20)
        #expect(throws: RecordBatchError.self) { try codec.decompress(flipped, limit: 1 << 20) }
        var badTrailer = compressed  // the CRC-32 and size after the deflate data
        let last = badTrailer.writerIndex - 6
        badTrailer.setInteger(badTrailer.getInteger(at: last, as: UInt8.self)! ^ 0x01, at: last)
        #expect(throws: RecordBatchError.corruptCompressedData(.gzip, "invalid gzip data")) {
            try codec.decompress(badTrailer, limit: 1 << 20)
        }
        #expect(throws: RecordBatchError.corruptCompressedData(.gzip, "invalid gzip data")) {
            try codec.decompress(buffer("definitely not gzip"), limit: 100)
        }
        var garbageAfter = compressed
        garbageAfter.writeString("junk")
        #expect(throws: RecordBatchError.self) { try codec.decompress(garbageAfter, limit: 1 << 20) }
    }

    @Test func truncatedStreamFailsCleanly() throws {
        let compressed = try gzip(ByteBuffer(repeating: 0x42, count: 10_000))
        for length in [1, 10, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let cut = compressed.getSlice(at: 0, length: length)!
            #expect(throws: RecordBatchError.self) { try codec.decompress(cut, limit: 1 << 20) }
        }
        #expect(throws: RecordBatchError.corruptCompressedData(.gzip, "empty stream")) {
            try codec.decompress(ByteBuffer(), limit: 100)
        }
    }

    @Test func decompressionBombIsCapped() throws {
        // 64 MiB of zeros compress to ~64 KiB; the limit stops the reader long before it allocates that.
        let bomb = try gzip(ByteBuffer(repeating: 0, count: 64 << 20))
        #expect(bomb.readableBytes < 100_000)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 1 << 20)) {
            try codec.decompress(bomb, limit: 1 << 20)
        }
        // Exactly at the limit is fine; one byte over is not.
        let exact = try gzip(ByteBuffer(repeating: 7, count: 5_000))
        #expect(try codec.decompress(exact, limit: 5_000).readableBytes == 5_000)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 4_999)) { try codec.decompress(exact, limit: 4_999) }
    }

    @Test func batchReaderPassesItsLimit() throws {
        var builder = RecordBatchBuilder(compression: .gzip)
        for _ in 0..<100 { builder.append(key: nil, value: ByteBuffer(repeating: 0, count: 10_000), timestamp: 0) }
        let batch = try builder.build()
        #expect(batch.sizeInBytes < 20_000)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 100_000)) {
            try batch.records(maxDecompressedSize: 100_000)
        }
        #expect(try batch.decodeRecords(maxDecompressedSize: 2_000_000).count == 100)
    }

    @Test func unsupportedCodecsSayWhich() throws {
        for type in [CompressionType.zstd, CompressionType(rawValue: 5)] {
            #expect(type.codec == nil)
            var builder = RecordBatchBuilder(compression: type)
            builder.append(key: nil, value: buffer("x"), timestamp: 0)
            #expect(throws: RecordBatchError.unsupportedCompression(type)) { try builder.build() }
            let batch = try handmadeBatch(records: buffer("opaque"), count: 1, compression: type)
            try batch.validateProducedBatch()  // the broker can still store it
            #expect(throws: RecordBatchError.unsupportedCompression(type)) { try batch.records() }
        }
    }

    @Test func everyLevelReadsBack() throws {
        let input = ByteBuffer(repeating: 0x33, count: 50_000)
        for level in [Int32(1), 6, 9] {
            var output = ByteBuffer()
            try GzipCodec(level: level).compress(input, appendingTo: &output)
            #expect(try codec.decompress(output, limit: 50_000) == input)
        }
    }
}
