/// The controller's record of one partition (KRaft's `PartitionRegistration`, the LeaderAndIsr state):
/// who leads in which epoch, the replicas and the committed ISR. The partition epoch grows with every
/// change, the leader epoch only when the leader changes.
public struct PartitionRegistration: Sendable, Hashable, CustomStringConvertible {
    /// nil when no replica can lead (every ISR member is offline and unclean election is off).
    public var leader: Int32?
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32
    public var replicas: [Int32]
    public var isr: Set<Int32>

    public init(leader: Int32?, leaderEpoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: Set<Int32>) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.replicas = replicas
        self.isr = isr
    }

    public var description: String {
        "leader=\(leader.map(String.init) ?? "none") leaderEpoch=\(leaderEpoch) partitionEpoch=\(partitionEpoch) "
            + "replicas=\(replicas) isr=\(isr.sorted())"
    }
}
