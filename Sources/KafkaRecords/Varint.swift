import NIOCore

/// Varints as Kafka writes them: unsigned LEB128 (the flexible protocol's lengths and counts) and
/// zigzag-encoded signed varints (the fields of a record inside a batch).
extension ByteBuffer {
    /// Writes `value` as an unsigned varint (7 bits a byte, least significant group first).
    @inlinable
    @discardableResult
    public mutating func writeUnsignedVarint(_ value: UInt64) -> Int {
        var value = value
        var written = 0
        while value >= 0x80 {
            written += writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        written += writeInteger(UInt8(value))
        return written
    }

    /// Writes `value` zigzag-encoded (`(n << 1) ^ (n >> 63)`), as record fields use.
    @inlinable
    @discardableResult
    public mutating func writeVarint(_ value: Int64) -> Int {
        writeUnsignedVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Reads an unsigned varint of at most `maxBytes` bytes (5 for 32-bit values, 10 for 64-bit).
    /// Returns nil, consuming nothing, when the bytes end first or the varint is too long.
    @inlinable
    public mutating func readUnsignedVarint(maxBytes: Int = 10) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = readerIndex
        for _ in 0..<maxBytes {
            guard let byte: UInt8 = getInteger(at: index) else { return nil }
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                moveReaderIndex(to: index)
                return result
            }
            shift += 7
        }
        return nil
    }

    /// Reads a zigzag varint. Returns nil, consuming nothing, when malformed or truncated.
    @inlinable
    public mutating func readVarint(maxBytes: Int = 10) -> Int64? {
        guard let raw = readUnsignedVarint(maxBytes: maxBytes) else { return nil }
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

/// Sizes of varints, for builders that need a length before writing.
public enum Varint {
    /// Bytes an unsigned varint of `value` takes.
    @inlinable
    public static func unsignedSize(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    /// Bytes a zigzag varint of `value` takes.
    @inlinable
    public static func size(_ value: Int64) -> Int {
        unsignedSize(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}

extension ByteBuffer {
    /// Reads a zigzag varint that must fit an Int32 (at most 5 bytes, as record fields use). Returns nil,
    /// consuming nothing, when malformed, truncated or out of range.
    @inlinable
    public mutating func readVarint32() -> Int32? {
        let saved = readerIndex
        guard let raw = readUnsignedVarint(maxBytes: 5), raw <= UInt64(UInt32.max) else {
            moveReaderIndex(to: saved)
            return nil
        }
        let unsigned = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (unsigned >> 1) ^ (0 &- (unsigned & 1)))
    }
}
