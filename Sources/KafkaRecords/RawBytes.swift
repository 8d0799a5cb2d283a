/// Cursors over raw memory for the per-record loops of the reader and the builder.
///
/// Going through `ByteBuffer`'s own accessors costs a bounds check and a dynamic exclusivity check per
/// byte; these do one `withUnsafe...Bytes` per record and check bounds themselves. Both are internal
/// and used only inside such a closure.
struct RawReader {
    let bytes: UnsafeRawBufferPointer
    /// Index of the next byte to read, relative to `bytes`.
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    @inline(__always)
    mutating func readByte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most `maxBytes` bytes; nil (position unchanged) if truncated or
    /// too long.
    @inline(__always)
    mutating func readUnsignedVarint(maxBytes: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = position
        let end = min(bytes.count, position + maxBytes)
        while index < end {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                position = index
                return result
            }
            shift += 7
        }
        return nil
    }

    /// A zigzag varint that fits an Int32 (record lengths, deltas, counts).
    @inline(__always)
    mutating func readVarint32() -> Int32? {
        let start = position
        guard let raw = readUnsignedVarint(maxBytes: 5), raw <= UInt64(UInt32.max) else {
            position = start
            return nil
        }
        let unsigned = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (unsigned >> 1) ^ (0 &- (unsigned & 1)))
    }

    /// A zigzag varint over 64 bits (the timestamp delta).
    @inline(__always)
    mutating func readVarint64() -> Int64? {
        guard let raw = readUnsignedVarint(maxBytes: 10) else { return nil }
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

struct RawWriter {
    let bytes: UnsafeMutableRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

    /// Writes a zigzag varint. The caller reserved room for it (sizes come from `Varint.size`).
    @inline(__always)
    mutating func writeVarint(_ value: Int64) {
        var raw = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while raw >= 0x80 {
            bytes[position] = UInt8(truncatingIfNeeded: raw) | 0x80
            position += 1
            raw >>= 7
        }
        bytes[position] = UInt8(truncatingIfNeeded: raw)
        position += 1
    }

    @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        bytes[position] = byte
        position += 1
    }

    @inline(__always)
    mutating func write(_ source: UnsafeRawBufferPointer) {
        guard let base = source.baseAddress, source.count > 0 else { return }
        UnsafeMutableRawBufferPointer(rebasing: bytes[position..<(position + source.count)]).copyMemory(
            from: UnsafeRawBufferPointer(start: base, count: source.count))
        position += source.count
    }
}
