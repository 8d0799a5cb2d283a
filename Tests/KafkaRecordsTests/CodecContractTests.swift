import NIOCore
import Testing
@testable import KafkaRecords

/// What every `RecordsCompressionCodec` promises, checked the same way for each: lossless round trips
/// at every block edge, the decompressed-size limit, and clean errors (never a trap) on truncated,
/// flipped or random input.
@Suite struct CodecContractTests {
    static let codecs: [CompressionType] = [.gzip, .snappy, .lz4]

    @Test func supportedCodecs() {
        #expect(CompressionType.snappy.codec is SnappyCodec)
        #expect(CompressionType.lz4.codec is LZ4Codec)
        let supported = [CompressionType.none, .gzip, .snappy, .lz4].filter(\.isSupported)
        #expect(supported.count == 4)
        #expect(!CompressionType.zstd.isSupported)
    }

    @Test(arguments: codecs)
    func roundTripsAtEveryEdge(type: CompressionType) throws {
        let codec = try #require(type.codec)
        #expect(codec.type == type)
        var generator = SeededGenerator(seed: 11)
        for size in CodecInput.edgeSizes {
            for input in [randomBytes(size, using: &generator), CodecInput.repetitive(size), CodecInput.realistic(size)] {
                let stream = try compressed(input, with: codec)
                #expect(try codec.decompress(stream, limit: size) == input, "\(type) size \(size)")
            }
        }
    }

    @Test(arguments: codecs)
    func compressesWhatCompresses(type: CompressionType) throws {
        let codec = try #require(type.codec)
        let realistic = CodecInput.realistic(1 << 20)
        let repetitive = CodecInput.repetitive(1 << 20)
        let realisticRatio = Double(realistic.readableBytes) / Double(try compressed(realistic, with: codec).readableBytes)
        let repetitiveRatio = Double(repetitive.readableBytes) / Double(try compressed(repetitive, with: codec).readableBytes)
        #expect(realisticRatio > 2.5, "\(type): realistic records compress \(realisticRatio)x")
        #expect(repetitiveRatio > 15, "\(type): a repeated sentence compresses \(repetitiveRatio)x")
    }

    @Test(arguments: codecs)
    func appendsAfterWhatIsAlreadyThere(type: CompressionType) throws {
        let codec = try #require(type.codec)
        var output = ByteBuffer(string: "header")
        try codec.compress(CodecInput.realistic(5_000), appendingTo: &output)
        #expect(output.readString(length: 6) == "header")
        #expect(try codec.decompress(output, limit: 5_000) == CodecInput.realistic(5_000))
    }

    @Test(arguments: codecs)
    func limitIsExact(type: CompressionType) throws {
        let codec = try #require(type.codec)
        for size in [1, 5_000, 70_000] {
            let stream = try compressed(CodecInput.repetitive(size), with: codec)
            #expect(try codec.decompress(stream, limit: size).readableBytes == size)
            #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: size - 1)) {
                try codec.decompress(stream, limit: size - 1)
            }
        }
    }

    @Test(arguments: codecs)
    func decompressionBombIsCapped(type: CompressionType) throws {
        let bomb = try compressed(ByteBuffer(repeating: 0, count: 16 << 20), with: try #require(type.codec))
        #expect(bomb.readableBytes < 1 << 20)
        #expect(throws: RecordBatchError.decompressedSizeExceeded(limit: 1 << 20)) {
            try type.codec!.decompress(bomb, limit: 1 << 20)
        }
    }

    @Test(arguments: codecs)
    func truncatedStreamsFailOrGiveAPrefix(type: CompressionType) throws {
        // Every cut of a small stream and a sample of a large one: an error, or (snappy's framing has no
        // end mark, so a cut between chunks is a shorter valid stream) a prefix of the input.
        let codec = try #require(type.codec)
        for input in [CodecInput.realistic(3_000), CodecInput.realistic(150_000)] {
            let stream = try compressed(input, with: codec)
            let step = max(1, stream.readableBytes / 500)
            for length in stride(from: 0, to: stream.readableBytes, by: step) {
                let cut = stream.getSlice(at: stream.readerIndex, length: length)!
                do {
                    let output = try codec.decompress(cut, limit: 1 << 20)
                    #expect(type == .snappy && input.readableBytesView.starts(with: output.readableBytesView), "\(type) cut at \(length)")
                } catch {}
            }
        }
    }

    @Test(arguments: codecs)
    func flippedBytesNeverTrap(type: CompressionType) throws {
        let codec = try #require(type.codec)
        var generator = SeededGenerator(seed: 0xBAD_C0DE)
        for input in [CodecInput.realistic(4_000), CodecInput.repetitive(100_000), randomBytes(2_000, using: &generator)] {
            let stream = try compressed(input, with: codec)
            for _ in 0..<2_000 {
                var damaged = stream
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let offset = damaged.readerIndex + Int.random(in: 0..<damaged.readableBytes, using: &generator)
                    damaged.setInteger(damaged.getInteger(at: offset, as: UInt8.self)! ^ UInt8.random(in: 1...255, using: &generator), at: offset)
                }
                if let output = try? codec.decompress(damaged, limit: 200_000) {
                    #expect(output.readableBytes <= 200_000)
                }
            }
        }
    }

    @Test(arguments: codecs)
    func randomInputNeverTraps(type: CompressionType) throws {
        let codec = try #require(type.codec)
        var generator = SeededGenerator(seed: 5)
        let prefix = try compressed(ByteBuffer(), with: codec)  // a valid header, then noise
        for round in 0..<3_000 {
            var input = round % 2 == 0 ? prefix : ByteBuffer()
            input.writeImmutableBuffer(randomBytes(Int.random(in: 0...300, using: &generator), using: &generator))
            _ = try? codec.decompress(input, limit: 100_000)
        }
        #expect(throws: RecordBatchError.self) { try codec.decompress(ByteBuffer(), limit: 100) }
    }

    @Test(arguments: codecs)
    func batchesRoundTrip(type: CompressionType) throws {
        var builder = RecordBatchBuilder(compression: type)
        for index in 0..<500 {
            builder.append(
                key: buffer("key-\(index % 7)"), value: CodecInput.realistic(300, seed: UInt64(index)),
                headers: [("trace", buffer("t-\(index)"))], timestamp: 1_700_000_000_000 + Int64(index))
        }
        let batch = try builder.build()
        try batch.validateProducedBatch()
        #expect(batch.attributes.compression == type)
        let records = try batch.decodeRecords()
        #expect(records.count == 500)
        #expect(records[499].value == CodecInput.realistic(300, seed: 499))
        #expect(records[3].headers.first?.value == buffer("t-3"))
    }
}
