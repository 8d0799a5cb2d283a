/// A leader's proposal to change the ISR (Kafka's AlterPartition, KIP-497), sent to the controller.
/// It names the leader and partition epochs it was made in, so a stale proposal is refused, and each
/// proposed member's broker epoch, so a replica that restarted since is refused (KIP-903).
public struct AlterPartitionRequest: Sendable, Hashable, CustomStringConvertible {
    /// One proposed ISR member and the broker epoch it fetched with.
    public struct Member: Sendable, Hashable {
        public var replica: Int32
        public var brokerEpoch: Int64
        public init(replica: Int32, brokerEpoch: Int64) {
            self.replica = replica
            self.brokerEpoch = brokerEpoch
        }
    }

    public var leader: Int32
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32
    public var newIsr: [Member]

    public init(leader: Int32, leaderEpoch: Int32, partitionEpoch: Int32, newIsr: [Member]) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.newIsr = newIsr
    }

    public var isrReplicas: Set<Int32> { Set(newIsr.map(\.replica)) }

    public var description: String {
        "AlterPartition(leader \(leader), leaderEpoch \(leaderEpoch), partitionEpoch \(partitionEpoch), isr \(isrReplicas.sorted()))"
    }
}
