import KafkaRecords

/// The sticky assignment algorithm of Kafka's `AbstractStickyAssignor`, which `cooperative-sticky`
/// runs: a balanced assignment that keeps as many previously owned partitions as it can.
///
/// First, what each member owns is settled: a partition claimed by two members goes to the one with the
/// higher generation (claimed twice in the same generation, it is taken from both). Then, when every
/// member subscribes to the same topics, the constrained builder fills quotas (each member gets
/// ⌊P/N⌋ or ⌈P/N⌉ partitions, keeping owned ones first); otherwise the general builder keeps valid
/// ownership, deals unassigned partitions to the least loaded eligible member, and moves partitions
/// while that improves balance, tracking moves so a partition does not travel back and forth.
///
/// Kafka iterates hash maps where Gregor iterates members by member id, so ties may break differently
/// from a Java leader; the properties (valid, balanced, sticky) are the same. Racks are not used.
enum StickyAssignment {
    /// What a member owned, as its assignor's `memberData` reads it from the subscription.
    struct MemberData {
        var partitions: [TopicPartition]
        var generation: Int32?
    }

    struct Result {
        var assignment: [String: [TopicPartition]]
        /// Partitions assigned to a member other than their current owner (partition → new owner), as
        /// the constrained builder records them; nil after the general builder (the cooperative assignor
        /// then computes them from owned vs assigned).
        var partitionsTransferringOwnership: [TopicPartition: String]?
    }

    static let defaultGeneration: Int32 = -1

    static func assign(
        partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription],
        memberData: (ConsumerSubscription) -> MemberData
    ) -> Result {
        let claims = OwnershipClaims(partitionsPerTopic: partitionsPerTopic, subscriptions: subscriptions, memberData: memberData)
        if claims.allSubscriptionsEqual {
            var builder = StickyConstrainedBuilder(
                partitionsPerTopic: partitionsPerTopic, owned: claims.owned, multiplyClaimed: claims.multiplyClaimed)
            let assignment = builder.build()
            return Result(assignment: assignment, partitionsTransferringOwnership: builder.transferring)
        }
        var builder = StickyGeneralBuilder(
            partitionsPerTopic: partitionsPerTopic, subscriptions: subscriptions, owned: claims.owned,
            maxGeneration: claims.maxGeneration, memberData: memberData)
        return Result(assignment: builder.build(), partitionsTransferringOwnership: nil)
    }
}

/// Who owns what before the assignment (Kafka's `allSubscriptionsEqual`): each member's owned partitions
/// that still exist, with conflicting claims settled by generation.
struct OwnershipClaims {
    var allSubscriptionsEqual = true
    var owned: [String: [TopicPartition]] = [:]
    var multiplyClaimed: Set<TopicPartition> = []
    var maxGeneration = StickyAssignment.defaultGeneration

    init(
        partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription],
        memberData: (ConsumerSubscription) -> StickyAssignment.MemberData
    ) {
        var subscribed: Set<String>?
        var ownerOf: [TopicPartition: String] = [:]
        for (member, subscription) in subscriptions.sorted(by: { $0.key < $1.key }) {
            let topics = Set(subscription.topics)
            if let subscribed, subscribed != topics { allSubscriptionsEqual = false }
            if subscribed == nil { subscribed = topics }
            let data = memberData(subscription)
            let generation = data.generation ?? StickyAssignment.defaultGeneration
            maxGeneration = max(maxGeneration, generation)
            owned[member] = []
            for tp in data.partitions where partitionsPerTopic[tp.topic] != nil {
                guard let other = ownerOf[tp] else {
                    owned[member, default: []].append(tp)
                    ownerOf[tp] = member
                    continue
                }
                // As Kafka: the other claimant's generation comes from its subscription field.
                let otherGeneration = subscriptions[other]?.generation ?? StickyAssignment.defaultGeneration
                if generation == otherGeneration {
                    multiplyClaimed.insert(tp)
                    owned[other]?.removeAll { $0 == tp }
                    ownerOf[tp] = member
                } else if generation > otherGeneration {
                    owned[member, default: []].append(tp)
                    owned[other]?.removeAll { $0 == tp }
                    ownerOf[tp] = member
                }
            }
        }
    }
}

extension Array where Element == TopicPartition {
    /// All partitions of `topics` in the given topic order, partitions ascending.
    static func all(of topics: [String], counts: [String: Int]) -> [TopicPartition] {
        topics.flatMap { topic in (0..<(counts[topic] ?? 0)).map { TopicPartition(topic, Int32($0)) } }
    }
}
