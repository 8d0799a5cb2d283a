/// Places partition replicas on brokers the way Kafka's rack-unaware assignment does: the first
/// replicas of consecutive partitions walk round the brokers from a random start, and followers are
/// shifted so that leadership and replicas spread evenly.
public struct ReplicaPlacement: Sendable {
    public var brokers: [Int32]
    public var startIndex: Int
    public var shift: Int

    /// `seed` picks the start and shift (Kafka picks them at random).
    public init(brokers: [Int32], seed: UInt64) {
        self.brokers = brokers.sorted()
        let count = max(self.brokers.count, 1)
        startIndex = Int(seed % UInt64(count))
        shift = Int((seed / UInt64(count)) % UInt64(count))
    }

    /// Replicas of partitions `first..<first+count`, each `replicationFactor` long.
    public func assign(partitions count: Int, startingAt first: Int = 0, replicationFactor: Int) -> [[Int32]] {
        let n = brokers.count
        guard n > 0, replicationFactor <= n else { return [] }
        var result: [[Int32]] = []
        var shift = self.shift
        for partition in first..<(first + count) {
            if partition > 0 && partition % n == 0 { shift += 1 }
            let firstIndex = (partition + startIndex) % n
            var replicas = [brokers[firstIndex]]
            for replica in 0..<(replicationFactor - 1) {
                let offset = n > 1 ? 1 + (shift + replica) % (n - 1) : 0
                replicas.append(brokers[(firstIndex + offset) % n])
            }
            result.append(replicas)
        }
        return result
    }
}
