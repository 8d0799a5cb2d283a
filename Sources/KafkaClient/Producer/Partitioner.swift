import NIOCore

/// Where a record goes when the caller names no partition, as Kafka's Java client decides it, so that
/// keys land on the same partitions whichever client wrote them.
public enum Partitioner {
    /// Kafka's `Utils.murmur2`: MurmurHash2, 32-bit, seed 0x9747b28c, little-endian 4-byte blocks.
    public static func murmur2(_ bytes: some Collection<UInt8>) -> Int32 {
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = UInt32(truncatingIfNeeded: bytes.count)
        var h: UInt32 = 0x9747_b28c ^ length
        var iterator = bytes.makeIterator()
        var remaining = bytes.count
        while remaining >= 4, let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
            var k = UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
            k &*= m
            k ^= k >> r
            k &*= m
            h &*= m
            h ^= k
            remaining -= 4
        }
        // Java's switch with fall-through over the 1-3 bytes left.
        var tail: (UInt32, UInt32, UInt32) = (0, 0, 0)
        var tailCount = 0
        while let byte = iterator.next() {
            switch tailCount {
            case 0: tail.0 = UInt32(byte)
            case 1: tail.1 = UInt32(byte)
            default: tail.2 = UInt32(byte)
            }
            tailCount += 1
        }
        if tailCount == 3 { h ^= tail.2 << 16 }
        if tailCount >= 2 { h ^= tail.1 << 8 }
        if tailCount >= 1 {
            h ^= tail.0
            h &*= m
        }
        h ^= h >> 13
        h &*= m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which fails on Int32.min).
    public static func toPositive(_ value: Int32) -> Int32 { value & 0x7fff_ffff }

    /// The partition for a keyed record: `toPositive(murmur2(key)) % partitionCount`.
    public static func partition(forKey key: ByteBuffer, partitionCount: Int) -> Int32 {
        let hash = key.withUnsafeReadableBytes { murmur2($0) }
        return toPositive(hash) % Int32(partitionCount)
    }
}
