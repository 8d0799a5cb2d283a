import KafkaProtocol
import KafkaRecords
import NIOCore

/// Kafka's `cooperative-sticky` assignor: the sticky algorithm (`StickyAssignment`) for incremental
/// cooperative rebalancing (KIP-429).
///
/// The subscription carries what the member owns (`ownedPartitions`, version 1+) and the generation it
/// owns it in (`generationId`, version 2+; older members put the generation in `userData` as one
/// int32, which this assignor also writes, as Java's does). After the sticky assignment, a partition
/// that would move from one member to another is left out of the new owner's assignment: its current
/// owner sees it gone, revokes it and rejoins, and the next rebalance hands it to the new owner.
public struct CooperativeStickyAssignor: PartitionAssignor {
    public let name = "cooperative-sticky"
    public var supportedProtocols: [RebalanceProtocol] { [.cooperative, .eager] }

    public init() {}

    /// The generation as one int32 (Kafka's `COOPERATIVE_STICKY_ASSIGNOR_USER_DATA_V0`).
    public func subscriptionUserData(topics: [String], generation: Int32) -> ByteBuffer? {
        var buffer = ByteBuffer()
        buffer.writeInteger(generation)
        return buffer
    }

    public func assign(partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription]) -> [String: [TopicPartition]] {
        assignWithTransfers(partitionsPerTopic: partitionsPerTopic, subscriptions: subscriptions).assignment
    }

    /// The assignment, and the partitions held back because they change owner (partition → next owner).
    func assignWithTransfers(
        partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription]
    ) -> (assignment: [String: [TopicPartition]], transferring: [TopicPartition: String]) {
        let sticky = StickyAssignment.assign(partitionsPerTopic: partitionsPerTopic, subscriptions: subscriptions, memberData: Self.memberData)
        var assignment = sticky.assignment
        let transferring = sticky.partitionsTransferringOwnership
            ?? Self.partitionsTransferringOwnership(subscriptions: subscriptions, assignment: assignment)
        for (tp, member) in transferring { assignment[member]?.removeAll { $0 == tp } }
        return (assignment, transferring)
    }

    /// Owned partitions and generation: from the subscription fields (version 2+), else the generation
    /// from `userData` (-1 when unreadable, nil when absent).
    static func memberData(_ subscription: ConsumerSubscription) -> StickyAssignment.MemberData {
        if let generation = subscription.generation {
            return .init(partitions: subscription.ownedPartitions, generation: generation)
        }
        guard var userData = subscription.userData else {
            return .init(partitions: subscription.ownedPartitions, generation: nil)
        }
        let generation = userData.readInteger(as: Int32.self) ?? StickyAssignment.defaultGeneration
        return .init(partitions: subscription.ownedPartitions, generation: generation)
    }

    /// Partitions newly assigned to one member while another member gives them up.
    static func partitionsTransferringOwnership(
        subscriptions: [String: ConsumerSubscription], assignment: [String: [TopicPartition]]
    ) -> [TopicPartition: String] {
        var added: [TopicPartition: String] = [:]
        var revoked: Set<TopicPartition> = []
        for (member, assigned) in assignment {
            let owned = Set(subscriptions[member]?.ownedPartitions ?? [])
            let assignedSet = Set(assigned)
            for tp in assigned where !owned.contains(tp) { added[tp] = member }
            revoked.formUnion(owned.subtracting(assignedSet))
        }
        return added.filter { revoked.contains($0.key) }
    }
}
