import NIOCore

/// Kafka's `lz4` codec (compression type 3) for magic v2 batches: the standard LZ4 frame format
/// (lz4/lz4 `doc/lz4_Frame_format.md`), in pure Swift.
///
/// **Writes** what Kafka's Java producer (`KafkaLZ4BlockOutputStream`) writes: magic `0x184D2204`,
/// FLG `0x60` (version 01, independent blocks, no checksums, no content size), BD `0x40` (64 KiB
/// blocks), the header checksum (second byte of xxHash32 over FLG and BD), then one block per 64 KiB of
/// input — compressed, or stored with the "uncompressed" bit when compressing would not make it smaller —
/// and the end mark.
///
/// **Reads** any frame of the format: linked or independent blocks, 64 KiB to 4 MiB block sizes, block
/// checksums and the content checksum (both verified when present), the content size (checked against
/// the decoded length), several frames end to end and skippable frames between them. The header checksum
/// must be right: the wrong one of Kafka's pre-v1 message format does not occur in v2 batches. Frames
/// naming a dictionary are refused (Kafka never writes them). Output grows with what the blocks really
/// decode to, never past the caller's limit.
public struct LZ4Codec: RecordsCompressionCodec {
    public var type: CompressionType { .lz4 }

    static let frameMagic: UInt32 = 0x184D_2204
    static let blockSize = 64 * 1024
    /// FLG: version 01, block independence; BD: 64 KiB maximum block size.
    static let flags: UInt8 = 0x60
    static let blockDescriptor: UInt8 = 0x40
    static let uncompressedBit: UInt32 = 0x8000_0000

    public init() {}

    public func compress(_ records: ByteBuffer, appendingTo output: inout ByteBuffer) throws(RecordBatchError) {
        let count = records.readableBytes
        let blocks = (count + Self.blockSize - 1) / Self.blockSize
        output.writeInteger(Self.frameMagic, endianness: .little)
        output.writeInteger(Self.flags)
        output.writeInteger(Self.blockDescriptor)
        output.writeInteger(Self.headerChecksum([Self.flags, Self.blockDescriptor]))
        if count > 0 {
            let finder = LZ77MatchFinder(blockSize: min(count, Self.blockSize))
            let bound = blocks * (4 + LZ4Block.maxEncodedLength(Self.blockSize))
            _ = records.withUnsafeReadableBytes { input in
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                    var written = 0
                    var start = 0
                    while start < count {
                        let block = UnsafeRawBufferPointer(rebasing: input[start..<min(start + Self.blockSize, count)])
                        let body = UnsafeMutableRawBufferPointer(rebasing: out[(written + 4)...])
                        var length = LZ4Block.encode(block, into: body, finder: finder)
                        var header = UInt32(length)
                        if length >= block.count {
                            // Incompressible: store it as it is.
                            body.copyMemory(from: block)
                            length = block.count
                            header = UInt32(length) | Self.uncompressedBit
                        }
                        out.storeBytes(of: header.littleEndian, toByteOffset: written, as: UInt32.self)
                        written += 4 + length
                        start += block.count
                    }
                    return written
                }
            }
        }
        output.writeInteger(UInt32(0))  // end mark
    }

    public func decompress(_ compressed: ByteBuffer, limit: Int) throws(RecordBatchError) -> ByteBuffer {
        let limit = max(0, min(limit, Int(UInt32.max) / 2))
        return try compressed.withUnsafeReadableBytes { (input) throws(RecordBatchError) -> ByteBuffer in
            guard input.count > 0 else { throw .corruptCompressedData(.lz4, "empty stream") }
            var output = ByteBufferAllocator().buffer(capacity: min(limit, max(4 * input.count, 1024)))
            var reader = LZ4FrameReader(input: input, limit: limit)
            repeat {
                try reader.readFrame(into: &output)
            } while reader.position < input.count
            return output
        }
    }

    /// The header checksum byte: the second byte of xxHash32 over the frame descriptor.
    static func headerChecksum(_ descriptor: [UInt8]) -> UInt8 {
        UInt8(truncatingIfNeeded: XXHash32.hash(descriptor) >> 8)
    }
}
