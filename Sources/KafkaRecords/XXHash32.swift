/// xxHash32, the checksum of the LZ4 frame format (header checksum, optional block and content
/// checksums), written from the algorithm's public description (Cyan4973/xxHash, doc/xxhash_spec.md).
///
/// One-shot only: LZ4 frames hash a descriptor, a block or a whole decoded frame, each already in memory.
/// The tests check the published values for short and long inputs.
public enum XXHash32 {
    static let prime1: UInt32 = 0x9E37_79B1
    static let prime2: UInt32 = 0x85EB_CA77
    static let prime3: UInt32 = 0xC2B2_AE3D
    static let prime4: UInt32 = 0x27D4_EB2F
    static let prime5: UInt32 = 0x1656_67B1

    /// The 32-bit hash of `bytes` with `seed` (LZ4 always uses seed 0).
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let count = bytes.count
        var index = 0
        var accumulator: UInt32
        if count >= 16 {
            var lane1 = seed &+ prime1 &+ prime2
            var lane2 = seed &+ prime2
            var lane3 = seed
            var lane4 = seed &- prime1
            let lastStripe = count - 16
            while index <= lastStripe {
                lane1 = round(lane1, word(bytes, index))
                lane2 = round(lane2, word(bytes, index + 4))
                lane3 = round(lane3, word(bytes, index + 8))
                lane4 = round(lane4, word(bytes, index + 12))
                index += 16
            }
            accumulator = rotate(lane1, 1) &+ rotate(lane2, 7) &+ rotate(lane3, 12) &+ rotate(lane4, 18)
        } else {
            accumulator = seed &+ prime5
        }
        accumulator &+= UInt32(truncatingIfNeeded: count)
        while index + 4 <= count {
            accumulator = rotate(accumulator &+ word(bytes, index) &* prime3, 17) &* prime4
            index += 4
        }
        while index < count {
            accumulator = rotate(accumulator &+ UInt32(bytes[index]) &* prime5, 11) &* prime1
            index += 1
        }
        accumulator ^= accumulator >> 15
        accumulator &*= prime2
        accumulator ^= accumulator >> 13
        accumulator &*= prime3
        accumulator ^= accumulator >> 16
        return accumulator
    }

    /// The hash of a byte array (for tests and small inputs).
    public static func hash(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inline(__always)
    static func round(_ lane: UInt32, _ input: UInt32) -> UInt32 {
        rotate(lane &+ input &* prime2, 13) &* prime1
    }

    @inline(__always)
    static func rotate(_ value: UInt32, _ bits: UInt32) -> UInt32 {
        (value << bits) | (value >> (32 - bits))
    }

    /// A little-endian 32-bit word at `offset`; the caller checked that 4 bytes are there.
    @inline(__always)
    static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
