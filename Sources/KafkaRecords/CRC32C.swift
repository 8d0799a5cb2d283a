import CCRC32C

/// CRC-32C (Castagnoli), the checksum of record batch v2.
///
/// Uses the SSE4.2 `crc32` instruction when the CPU has it (checked once) and a slicing-by-8 table in
/// Swift otherwise; both give the same values, which the tests check.
public enum CRC32C {
    /// Whether the hardware path is in use on this machine.
    public static let isHardwareAccelerated: Bool = gregor_crc32c_hardware_available() != 0

    /// The CRC-32C of `bytes`.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
    }

    /// The CRC-32C of a byte sequence held in contiguous storage.
    @inlinable
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let value = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return value
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// Continues a running (non-inverted) CRC over more bytes.
    @usableFromInline
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        if isHardwareAccelerated {
            return gregor_crc32c_hardware(crc, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
        return software(crc, bytes)
    }

    /// The portable path: slicing-by-8 over eight 256-entry tables.
    static func software(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc
        var index = 0
        let count = bytes.count
        let tables = Self.tables
        tables.withUnsafeBufferPointer { t in
            while count - index >= 8 {
                let low = crc ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                    | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(bytes[index + 4])] ^ t[2 * 256 + Int(bytes[index + 5])]
                    ^ t[1 * 256 + Int(bytes[index + 6])] ^ t[Int(bytes[index + 7])]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }

    /// The CRC of `bytes` computed in software only (for tests and benchmarks).
    public static func softwareChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        software(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
    }

    private static let tables: [UInt32] = {
        let polynomial: UInt32 = 0x82F6_3B78  // reflected Castagnoli polynomial
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()
}
