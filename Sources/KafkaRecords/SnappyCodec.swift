import NIOCore

/// Kafka's `snappy` codec (compression type 2), in pure Swift.
///
/// **Writes** the framing of snappy-java's `SnappyOutputStream`, which Kafka's Java producer uses: a
/// 16-byte header (the magic `82 'S' 'N' 'A' 'P' 'P' 'Y' 00`, then int32 version 1 and int32 compatible
/// version 1, big-endian), then one chunk per 32 KiB of input, each an int32 big-endian length and a raw
/// snappy block (`SnappyBlock`).
///
/// **Reads** that framing (also several such streams end to end, as snappy-java does) and a bare raw
/// snappy block without it, which is what librdkafka (so confluent-kafka, kcat) writes; librdkafka and
/// snappy-java both read either. Header version fields are not checked, as librdkafka does not. Output
/// never exceeds the caller's limit: every chunk declares its length, so the total is known and checked
/// before anything is allocated.
public struct SnappyCodec: RecordsCompressionCodec {
    public var type: CompressionType { .snappy }

    /// snappy-java's stream magic, the first 8 bytes of the framing header.
    static let magic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let headerSize = 16
    /// snappy-java's default block size, which Kafka's producer keeps.
    static let chunkSize = 32 * 1024

    public init() {}

    public func compress(_ records: ByteBuffer, appendingTo output: inout ByteBuffer) throws(RecordBatchError) {
        let count = records.readableBytes
        let chunks = (count + Self.chunkSize - 1) / Self.chunkSize
        let bound = Self.headerSize + chunks * (4 + SnappyBlock.maxEncodedLength(Self.chunkSize))
        output.writeBytes(Self.magic)
        output.writeInteger(Int32(1))  // version
        output.writeInteger(Int32(1))  // compatible version
        guard count > 0 else { return }
        let finder = LZ77MatchFinder(blockSize: min(count, Self.chunkSize))
        _ = records.withUnsafeReadableBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { out in
                var written = 0
                var start = 0
                while start < count {
                    let chunk = UnsafeRawBufferPointer(rebasing: input[start..<min(start + Self.chunkSize, count)])
                    let body = UnsafeMutableRawBufferPointer(rebasing: out[(written + 4)...])
                    let length = SnappyBlock.encode(chunk, into: body, finder: finder)
                    out.storeBytes(of: UInt32(length).bigEndian, toByteOffset: written, as: UInt32.self)
                    written += 4 + length
                    start += chunk.count
                }
                return written
            }
        }
    }

    public func decompress(_ compressed: ByteBuffer, limit: Int) throws(RecordBatchError) -> ByteBuffer {
        let limit = max(0, min(limit, Int(UInt32.max) / 2))
        return try compressed.withUnsafeReadableBytes { (input) throws(RecordBatchError) -> ByteBuffer in
            guard input.count > 0 else { throw .corruptCompressedData(.snappy, "empty stream") }
            let blocks = Self.isFramed(input, at: 0) ? try Self.framedBlocks(input) : [0..<input.count]
            // First pass: every block's declared length, so the total is checked before allocating it.
            var total = 0
            for block in blocks {
                let body = UnsafeRawBufferPointer(rebasing: input[block])
                guard let (length, preamble) = SnappyBlock.readLength(body) else {
                    throw .corruptCompressedData(.snappy, "block length preamble is cut off or too large")
                }
                guard length <= SnappyBlock.maxDecodedLength(elements: body.count - preamble) else {
                    throw .corruptCompressedData(.snappy, "block of \(body.count) bytes cannot decode to the \(length) it declares")
                }
                total += length
                guard total <= limit else { throw .decompressedSizeExceeded(limit: limit) }
            }
            var output = ByteBufferAllocator().buffer(capacity: total)
            for block in blocks {
                let body = UnsafeRawBufferPointer(rebasing: input[block])
                guard let (length, preamble) = SnappyBlock.readLength(body) else { continue }  // checked above
                guard length > 0 else {
                    guard body.count == preamble else { throw .corruptCompressedData(.snappy, "elements after an empty block's preamble") }
                    continue
                }
                try output.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { (out) throws(RecordBatchError) -> Int in
                    try SnappyBlock.decode(body, from: preamble, into: UnsafeMutableRawBufferPointer(rebasing: out[..<length]))
                    return length
                }
            }
            return output
        }
    }

    /// Whether snappy-java's header starts at `offset`.
    static func isFramed(_ input: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard input.count - offset >= magic.count else { return false }
        for index in 0..<magic.count where input[offset + index] != magic[index] { return false }
        return true
    }

    /// The byte ranges of the raw blocks inside a framed stream.
    static func framedBlocks(_ input: UnsafeRawBufferPointer) throws(RecordBatchError) -> [Range<Int>] {
        var blocks: [Range<Int>] = []
        var position = 0
        while position < input.count {
            // A chunk length never starts with 0x82 (that would be over 2 GiB), so a header here is
            // unambiguous: another stream appended to this one.
            if isFramed(input, at: position) {
                guard input.count - position >= headerSize else {
                    throw .corruptCompressedData(.snappy, "snappy-java header is cut off")
                }
                position += headerSize
                continue
            }
            guard input.count - position >= 4 else {
                throw .corruptCompressedData(.snappy, "\(input.count - position) trailing bytes after the last chunk")
            }
            let length = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length > 0, length <= input.count - position else {
                throw .corruptCompressedData(.snappy, "chunk length \(length) with \(input.count - position) bytes left")
            }
            blocks.append(position..<(position + length))
            position += length
        }
        return blocks
    }
}
