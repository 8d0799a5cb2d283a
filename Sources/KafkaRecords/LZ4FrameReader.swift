import NIOCore

/// Reads LZ4 frames (lz4/lz4 `doc/lz4_Frame_format.md`) from raw memory into a `ByteBuffer`, one frame
/// or skippable frame per `readFrame` call. Internal to `LZ4Codec`; every field is bounds-checked, and
/// the output never grows past `limit`.
struct LZ4FrameReader {
    let input: UnsafeRawBufferPointer
    let limit: Int
    /// The next byte of `input` to read.
    private(set) var position = 0

    init(input: UnsafeRawBufferPointer, limit: Int) {
        self.input = input
        self.limit = limit
    }

    private var remaining: Int { input.count - position }

    /// The frame descriptor's flag bits (FLG byte).
    private enum Flag {
        static let blockIndependence: UInt8 = 0x20
        static let blockChecksum: UInt8 = 0x10
        static let contentSize: UInt8 = 0x08
        static let contentChecksum: UInt8 = 0x04
        static let reserved: UInt8 = 0x02
        static let dictionaryID: UInt8 = 0x01
    }

    /// Reads one frame (decoding its blocks onto `output`) or skips one skippable frame.
    mutating func readFrame(into output: inout ByteBuffer) throws(RecordBatchError) {
        let magic = try readUInt32()
        if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
            let size = Int(try readUInt32())
            guard size <= remaining else { throw corrupt("skippable frame of \(size) bytes runs past the end") }
            position += size
            return
        }
        guard magic == LZ4Codec.frameMagic else {
            throw corrupt("no LZ4 frame magic at byte \(position - 4) (found 0x\(String(magic, radix: 16)))")
        }
        let descriptorStart = position
        let flags = try readByte()
        let blockDescriptor = try readByte()
        guard flags >> 6 == 1 else { throw corrupt("frame version \(flags >> 6), only version 1 exists") }
        guard flags & Flag.reserved == 0, blockDescriptor & 0x8F == 0 else { throw corrupt("reserved descriptor bits are set") }
        let sizeCode = Int(blockDescriptor >> 4)
        guard sizeCode >= 4 else { throw corrupt("block maximum size code \(sizeCode) is not defined") }
        let blockMax = 1 << (8 + 2 * sizeCode)  // 4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB
        var contentSize: UInt64?
        if flags & Flag.contentSize != 0 {
            guard remaining >= 8 else { throw corrupt("content size is cut off") }
            contentSize = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            position += 8
        }
        if flags & Flag.dictionaryID != 0 {
            guard remaining >= 4 else { throw corrupt("dictionary id is cut off") }
            position += 4
        }
        let checksum = try readByte()
        let descriptor = UnsafeRawBufferPointer(rebasing: input[descriptorStart..<(position - 1)])
        let expected = UInt8(truncatingIfNeeded: XXHash32.hash(descriptor) >> 8)
        guard checksum == expected else {
            throw corrupt("header checksum 0x\(String(checksum, radix: 16)), the descriptor hashes to 0x\(String(expected, radix: 16))")
        }
        guard flags & Flag.dictionaryID == 0 else { throw corrupt("frames that need a dictionary are not supported") }
        if let contentSize, contentSize > UInt64(limit - output.readableBytes) {
            throw .decompressedSizeExceeded(limit: limit)
        }

        let frameStart = output.writerIndex
        let independent = flags & Flag.blockIndependence != 0
        let checksumSize = flags & Flag.blockChecksum != 0 ? 4 : 0
        while true {
            let header = try readUInt32()
            if header == 0 { break }  // end mark
            let stored = header & LZ4Codec.uncompressedBit != 0
            let size = Int(header & ~LZ4Codec.uncompressedBit)
            guard size <= blockMax else { throw corrupt("block of \(size) bytes is larger than the frame's \(blockMax)") }
            guard size <= remaining - checksumSize else { throw corrupt("block of \(size) bytes runs past the end") }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + size)])
            position += size
            if checksumSize > 0 {
                let stored = try readUInt32()
                guard stored == XXHash32.hash(block) else { throw corrupt("block checksum mismatch") }
            }
            if stored {
                guard size <= limit - output.readableBytes else { throw .decompressedSizeExceeded(limit: limit) }
                output.writeBytes(block)
            } else {
                try decodeBlock(block, into: &output, blockMax: blockMax, historyStart: independent ? nil : frameStart)
            }
        }
        let frameLength = output.writerIndex - frameStart
        if flags & Flag.contentChecksum != 0 {
            let stored = try readUInt32()
            let computed = output.withUnsafeReadableBytes { XXHash32.hash(UnsafeRawBufferPointer(rebasing: $0[frameStart...])) }
            guard stored == computed else { throw corrupt("content checksum mismatch") }
        }
        if let contentSize, contentSize != UInt64(frameLength) {
            throw corrupt("frame decodes to \(frameLength) bytes, its header says \(contentSize)")
        }
    }

    /// Decodes one compressed block straight into `output`'s storage. `historyStart` is where linked
    /// blocks may reach back to (the frame's start); nil for independent blocks.
    private func decodeBlock(
        _ block: UnsafeRawBufferPointer, into output: inout ByteBuffer, blockMax: Int, historyStart: Int?
    ) throws(RecordBatchError) {
        let room = min(blockMax, limit - output.readableBytes)
        if output.writableBytes < room {
            // Grow at least geometrically, as the limit allows.
            output.reserveCapacity(minimumWritableBytes: max(room, min(output.capacity, limit - output.readableBytes)))
        }
        let start = output.writerIndex
        let outcome = try output.withVeryUnsafeMutableBytes { (storage) throws(RecordBatchError) -> LZ4Block.Outcome in
            try LZ4Block.decode(
                block, into: UnsafeMutableRawBufferPointer(rebasing: storage[..<(start + room)]), at: start,
                historyStart: historyStart ?? start)
        }
        switch outcome {
        case .decoded(let count):
            output.moveWriterIndex(forwardBy: count)
        case .outputFull where room < blockMax:
            throw .decompressedSizeExceeded(limit: limit)
        case .outputFull:
            throw corrupt("block decodes to more than the frame's \(blockMax)-byte block size")
        }
    }

    private mutating func readByte() throws(RecordBatchError) -> UInt8 {
        guard remaining >= 1 else { throw corrupt("frame is cut off at byte \(position)") }
        defer { position += 1 }
        return input[position]
    }

    private mutating func readUInt32() throws(RecordBatchError) -> UInt32 {
        guard remaining >= 4 else { throw corrupt("frame is cut off at byte \(position)") }
        defer { position += 4 }
        return load32(input, position)
    }

    private func corrupt(_ why: String) -> RecordBatchError { .corruptCompressedData(.lz4, why) }
}
