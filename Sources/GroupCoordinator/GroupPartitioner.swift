/// Which `__consumer_offsets` partition coordinates a group: `abs(groupId.hashCode()) % partitions`,
/// with Java's `String.hashCode` over UTF-16 code units and Kafka's `Utils.abs` (`& 0x7fffffff`), so a
/// group lands on the partition Kafka would choose.
public enum GroupPartitioner {
    public static func partition(for groupId: String, partitions: Int32) -> Int32 {
        precondition(partitions > 0, "the offsets topic needs at least one partition")
        return (javaHashCode(groupId) & 0x7fff_ffff) % partitions
    }

    /// Java's `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]`, in wrapping 32-bit arithmetic.
    public static func javaHashCode(_ text: String) -> Int32 {
        var hash: Int32 = 0
        for unit in text.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }
}
