import CompressNIO
import NIOCore

/// Kafka's `gzip` codec (compression type 1), on zlib through CompressNIO.
///
/// Writes one gzip member, as Kafka's Java producer does. Reads one member or several concatenated
/// ones (Java's `GZIPInputStream` accepts both), growing its output buffer as needed but never past the
/// caller's limit, so a small batch cannot inflate into gigabytes.
public struct GzipCodec: RecordsCompressionCodec {
    public var type: CompressionType { .gzip }
    /// zlib level 1-9, or -1 for zlib's default (6), which is also Kafka's default `compression.gzip.level`.
    public let level: Int32

    /// Levels outside 1-9 (and -1) fall back to the default rather than trap inside zlib's setup.
    public init(level: Int32 = -1) {
        self.level = (level == -1 || (1...9).contains(level)) ? level : -1
    }

    public func compress(_ records: ByteBuffer, appendingTo output: inout ByteBuffer) throws(RecordBatchError) {
        // An empty buffer may have no storage behind it, and zlib wants a real pointer even for 0 bytes.
        var input = records.readableBytes > 0 ? records : ByteBufferAllocator().buffer(capacity: 16)
        do {
            let compressor = try ZlibCompressor(algorithm: .gzip, configuration: ZlibConfiguration(compressionLevel: level))
            output.reserveCapacity(minimumWritableBytes: compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &output, flush: .finish)
        } catch {
            throw .compressionFailed("gzip: \(error)")
        }
    }

    public func decompress(_ compressed: ByteBuffer, limit: Int) throws(RecordBatchError) -> ByteBuffer {
        // ByteBuffer capacities are 32-bit; clamp so that even `Int.max` means "as much as fits".
        let limit = max(0, min(limit, Int(UInt32.max) / 2))
        var input = compressed
        guard input.readableBytes > 0 else { throw .corruptCompressedData(.gzip, "empty stream") }
        var output = ByteBufferAllocator().buffer(capacity: min(limit + 1, max(4 * input.readableBytes, 1024)))
        let decompressor: ZlibDecompressor
        do { decompressor = try ZlibDecompressor(algorithm: .gzip) } catch {
            throw .compressionFailed("gzip: \(error)")
        }
        while true {
            guard output.readableBytes <= limit else { throw .decompressedSizeExceeded(limit: limit) }
            if output.writableBytes == 0 {
                // Grow geometrically, capped one byte past the limit so that overflow is detectable.
                output.reserveCapacity(minimumWritableBytes: min(max(output.readableBytes, 4096), limit + 1 - output.readableBytes))
            }
            do {
                try decompressor.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                continue  // output full: grow and go on
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw .corruptCompressedData(.gzip, "stream ends before its end marker (truncated)")
            } catch let error as CompressNIOError where error == .corruptData {
                throw .corruptCompressedData(.gzip, "invalid gzip data")
            } catch {
                throw .corruptCompressedData(.gzip, "\(error)")
            }
            guard output.readableBytes <= limit else { throw .decompressedSizeExceeded(limit: limit) }
            // A normal return means the member ended, or zlib consumed all input and wants more.
            if input.readableBytes > 0 {
                // Another gzip member follows (a concatenated stream): start over on it.
                do { try decompressor.reset() } catch { throw .compressionFailed("gzip: \(error)") }
                continue
            }
            // All input consumed: one more call with no input tells an ended stream (returns) from a
            // truncated one (throws inputBufferOverflow, mapped above).
            if output.writableBytes == 0 { output.reserveCapacity(minimumWritableBytes: 1) }
            do {
                try decompressor.inflate(from: &input, to: &output)
                return output
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw .corruptCompressedData(.gzip, "stream ends before its end marker (truncated)")
            } catch {
                throw .corruptCompressedData(.gzip, "\(error)")
            }
        }
    }
}
