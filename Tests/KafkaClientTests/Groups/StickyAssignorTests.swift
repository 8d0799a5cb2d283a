import KafkaRecords
import Testing

@testable import KafkaClient

/// Cases from Kafka's AbstractStickyAssignorTest and CooperativeStickyAssignorTest (without racks),
/// plus the properties every sticky assignment must have: valid, balanced, sticky, cooperative.
@Suite("Assignors: sticky and cooperative-sticky")
struct StickyAssignorTests {
    func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic, partition) }

    func member(_ topics: [String], owned: [TopicPartition] = [], generation: Int32 = 1) -> ConsumerSubscription {
        ConsumerSubscription(topics: topics, ownedPartitions: owned, generationId: generation)
    }

    func sticky(_ counts: [String: Int], _ subscriptions: [String: ConsumerSubscription]) -> StickyAssignment.Result {
        StickyAssignment.assign(partitionsPerTopic: counts, subscriptions: subscriptions, memberData: CooperativeStickyAssignor.memberData)
    }

    /// Every existing subscribed partition assigned exactly once, only to subscribers.
    func expectValid(_ assignment: [String: [TopicPartition]], _ counts: [String: Int], _ subscriptions: [String: ConsumerSubscription]) {
        var seen: Set<TopicPartition> = []
        for (member, partitions) in assignment {
            for tp in partitions {
                #expect(seen.insert(tp).inserted, "\(tp) assigned twice")
                #expect(subscriptions[member]?.topics.contains(tp.topic) == true, "\(tp) given to \(member), not subscribed")
            }
        }
        let wanted = Set(subscriptions.values.flatMap(\.topics)).flatMap { topic in (0..<(counts[topic] ?? 0)).map { tp(topic, Int32($0)) } }
        #expect(seen == Set(wanted))
    }

    func isFullyBalanced(_ assignment: [String: [TopicPartition]]) -> Bool {
        let counts = assignment.values.map(\.count)
        return (counts.max() ?? 0) - (counts.min() ?? 0) <= 1
    }

    @Test func consumerOwningMinQuotaExpectedMaxQuota() {
        let topics = ["topic1", "topic2"]
        let subs = [
            "consumer1": member(topics, owned: [tp("topic1", 0), tp("topic2", 1)]),
            "consumer2": member(topics, owned: [tp("topic1", 1), tp("topic2", 2)]),
        ]
        let result = sticky(["topic1": 2, "topic2": 3], subs)
        #expect(result.assignment["consumer1"] == [tp("topic1", 0), tp("topic2", 1), tp("topic2", 0)])
        #expect(result.assignment["consumer2"] == [tp("topic1", 1), tp("topic2", 2)])
        #expect(result.partitionsTransferringOwnership == [:])
        expectValid(result.assignment, ["topic1": 2, "topic2": 3], subs)
    }

    @Test func maxQuotaConsumerMoreThanExpectedMaxCapacityMembers() {
        let topics = ["topic1", "topic2"]
        let subs = [
            "consumer1": member(topics, owned: [tp("topic1", 0), tp("topic2", 0)]),
            "consumer2": member(topics, owned: [tp("topic1", 1), tp("topic2", 1)]),
            "consumer3": member(topics),
        ]
        let result = sticky(["topic1": 2, "topic2": 2], subs)
        // Kafka's case expects consumer2 to keep both (its HashMap visits consumer2 first); Gregor visits
        // members by id, so consumer1 keeps both and consumer2 hands its second partition over.
        #expect(result.partitionsTransferringOwnership == [tp("topic2", 1): "consumer3"])
        #expect(result.assignment["consumer1"] == [tp("topic1", 0), tp("topic2", 0)])
        #expect(result.assignment["consumer2"] == [tp("topic1", 1)])
        #expect(result.assignment["consumer3"] == [tp("topic2", 1)])
    }

    @Test func allConsumersUnderMinQuota() {
        let topics = ["topic1", "topic2"]
        let subs = [
            "consumer1": member(topics, owned: [tp("topic1", 0)]),
            "consumer2": member(topics, owned: [tp("topic1", 1)]),
            "consumer3": member(topics),
        ]
        let result = sticky(["topic1": 2, "topic2": 3], subs)
        #expect(result.partitionsTransferringOwnership == [:])
        #expect(result.assignment["consumer1"] == [tp("topic1", 0), tp("topic2", 1)])
        #expect(result.assignment["consumer2"] == [tp("topic1", 1), tp("topic2", 2)])
        #expect(result.assignment["consumer3"] == [tp("topic2", 0)])
    }

    @Test func addRemoveConsumerOneTopic() {
        let first = sticky(["topic": 3], ["consumer1": member(["topic"], generation: -1)])
        #expect(first.assignment["consumer1"] == [tp("topic", 0), tp("topic", 1), tp("topic", 2)])
        let second = sticky(["topic": 3], [
            "consumer1": member(["topic"], owned: first.assignment["consumer1"] ?? []),
            "consumer2": member(["topic"]),
        ])
        #expect(second.partitionsTransferringOwnership == [tp("topic", 2): "consumer2"])
        #expect(second.assignment["consumer1"] == [tp("topic", 0), tp("topic", 1)])
        #expect(second.assignment["consumer2"] == [tp("topic", 2)])
        let third = sticky(["topic": 3], ["consumer2": member(["topic"], owned: second.assignment["consumer2"] ?? [])])
        #expect(Set(third.assignment["consumer2"] ?? []) == [tp("topic", 0), tp("topic", 1), tp("topic", 2)])
        #expect(third.partitionsTransferringOwnership == [:])
    }

    @Test func allConsumersReachExpectedQuotaAndAreConsideredFilled() {
        let subs = [
            "consumer1": member(["topic"], owned: [tp("topic", 0), tp("topic", 1)]),
            "consumer2": member(["topic"], owned: [tp("topic", 2)]),
            "consumer3": member(["topic"]),
        ]
        let result = sticky(["topic": 4], subs)
        #expect(result.assignment["consumer1"] == [tp("topic", 0), tp("topic", 1)])
        #expect(result.assignment["consumer2"] == [tp("topic", 2)])
        #expect(result.assignment["consumer3"] == [tp("topic", 3)])
        #expect(result.partitionsTransferringOwnership == [:])
    }

    @Test func ownedPartitionsOfStaleOrMissingGenerationAreInvalidated() {
        let owned = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)]
        for staleGeneration: Int32 in [9, -1] {
            let subs = [
                "consumer1": member(["topic", "topic2"], owned: owned, generation: 10),
                "consumer2": member(["topic", "topic2"], owned: owned, generation: staleGeneration),
            ]
            let result = sticky(["topic": 3, "topic2": 3], subs)
            #expect(Set(result.assignment["consumer1"] ?? []) == Set(owned))
            #expect(Set(result.assignment["consumer2"] ?? []) == [tp("topic", 1), tp("topic2", 0), tp("topic2", 2)])
            #expect(result.partitionsTransferringOwnership == [:])
        }
    }

    @Test func partitionClaimedTwiceInTheSameGenerationIsTransferred() {
        let subs = [
            "consumer1": member(["topic"], owned: [tp("topic", 0), tp("topic", 1)]),
            "consumer2": member(["topic"], owned: [tp("topic", 0), tp("topic", 2)]),
            "consumer3": member(["topic"]),
        ]
        let result = sticky(["topic": 3], subs)
        #expect(result.partitionsTransferringOwnership == [tp("topic", 0): "consumer3"])
        #expect(result.assignment["consumer1"] == [tp("topic", 1)])
        #expect(result.assignment["consumer2"] == [tp("topic", 2)])
        #expect(result.assignment["consumer3"] == [tp("topic", 0)])
    }

    @Test func partitionsGoToTheHighestGeneration() {
        let topics = ["topic", "topic2", "topic3"]
        let subs = [
            "consumer1": member(topics, owned: [tp("topic", 0), tp("topic2", 0), tp("topic3", 0)], generation: 10),
            "consumer2": member(topics, owned: [tp("topic", 1), tp("topic2", 1), tp("topic3", 1)], generation: 9),
            "consumer3": member(topics, owned: [tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)], generation: 8),
        ]
        let result = sticky(["topic": 3, "topic2": 3, "topic3": 3], subs)
        #expect(Set(result.assignment["consumer1"] ?? []) == [tp("topic", 0), tp("topic2", 0), tp("topic3", 0)])
        #expect(Set(result.assignment["consumer2"] ?? []) == [tp("topic", 1), tp("topic2", 1), tp("topic3", 1)])
        #expect(Set(result.assignment["consumer3"] ?? []) == [tp("topic", 2), tp("topic2", 2), tp("topic3", 2)])
    }

    @Test func multipleConsumersMixedTopicSubscriptions() {
        let counts = ["topic1": 3, "topic2": 2]
        let subs = [
            "consumer1": member(["topic1"], generation: 0), "consumer2": member(["topic1", "topic2"], generation: 1),
            "consumer3": member(["topic1"], generation: 2),
        ]
        let result = sticky(counts, subs)
        #expect(result.assignment["consumer1"] == [tp("topic1", 0), tp("topic1", 2)])
        #expect(result.assignment["consumer2"] == [tp("topic2", 0), tp("topic2", 1)])
        #expect(result.assignment["consumer3"] == [tp("topic1", 1)])
        #expect(result.partitionsTransferringOwnership == nil)
        expectValid(result.assignment, counts, subs)
    }

    @Test func generalCaseBalancesWhileKeepingWhatIsStillBalanced() {
        let counts = ["t1": 4, "t2": 4]
        let owned2 = [tp("t1", 2), tp("t1", 3)]
        let subs = ["c1": member(["t1", "t2"], owned: [tp("t1", 0), tp("t1", 1)]), "c2": member(["t1"], owned: owned2)]
        let result = sticky(counts, subs)
        expectValid(result.assignment, counts, subs)
        #expect(Set(result.assignment["c2"] ?? []).isSuperset(of: owned2))
        #expect(isFullyBalanced(result.assignment))
    }

    @Test func randomGroupsStayValidBalancedAndSticky() {
        var generator = SplitMix(seed: 42)
        for _ in 0..<200 {
            let topicCount = Int.random(in: 1...4, using: &generator)
            var counts: [String: Int] = [:]
            for index in 0..<topicCount { counts["t\(index)"] = Int.random(in: 1...8, using: &generator) }
            let members = (0..<Int.random(in: 1...6, using: &generator)).map { "m\($0)" }
            var subs = Dictionary(uniqueKeysWithValues: members.map { ($0, member(counts.keys.sorted(), generation: -1)) })
            let first = sticky(counts, subs).assignment
            expectValid(first, counts, subs)
            #expect(isFullyBalanced(first))
            // A member leaves, a new one joins: survivors keep what they can.
            var next = first
            next.removeValue(forKey: members[0])
            subs.removeValue(forKey: members[0])
            subs["new"] = member(counts.keys.sorted())
            for (name, partitions) in next { subs[name] = member(counts.keys.sorted(), owned: partitions) }
            let cooperative = CooperativeStickyAssignor().assignWithTransfers(partitionsPerTopic: counts, subscriptions: subs)
            let total = counts.values.reduce(0, +)
            let maxQuota = (total + subs.count - 1) / subs.count
            for (name, owned) in next {
                let kept = Set(cooperative.assignment[name] ?? []).intersection(owned)
                #expect(kept.count >= min(owned.count, total / subs.count), "\(name) kept \(kept.count) of \(owned.count)")
                #expect((cooperative.assignment[name] ?? []).count <= maxQuota)
                // Cooperative: nothing owned by one survivor goes straight to another member.
                for tp in owned where !(cooperative.assignment[name] ?? []).contains(tp) {
                    #expect(!cooperative.assignment.values.contains { $0.contains(tp) }, "\(tp) moved in one step")
                }
            }
        }
    }

    @Test func cooperativeTwoPhaseHandOver() {
        let assignor = CooperativeStickyAssignor()
        let counts = ["t": 4]
        // Phase 1: c1 owns everything, c2 joins. c1 must give up two partitions, nobody gets them yet.
        let phase1 = assignor.assignWithTransfers(partitionsPerTopic: counts, subscriptions: [
            "c1": member(["t"], owned: [tp("t", 0), tp("t", 1), tp("t", 2), tp("t", 3)], generation: 1),
            "c2": member(["t"], generation: -1),
        ])
        #expect(phase1.assignment["c1"] == [tp("t", 0), tp("t", 1)])
        #expect(phase1.assignment["c2"] == [])
        #expect(phase1.transferring == [tp("t", 2): "c2", tp("t", 3): "c2"])
        // Phase 2: c1 revoked them and rejoined; now c2 gets them.
        let phase2 = assignor.assignWithTransfers(partitionsPerTopic: counts, subscriptions: [
            "c1": member(["t"], owned: [tp("t", 0), tp("t", 1)], generation: 2),
            "c2": member(["t"], generation: 2),
        ])
        #expect(phase2.assignment["c1"] == [tp("t", 0), tp("t", 1)])
        #expect(phase2.assignment["c2"] == [tp("t", 2), tp("t", 3)])
        #expect(phase2.transferring.isEmpty)
    }

    @Test func memberDataReadsFieldsThenUserData() {
        var userData = ByteBufferAllocatorHelper.int32(7)
        let v1 = ConsumerSubscription(topics: ["t"], userData: userData, ownedPartitions: [tp("t", 0)])
        #expect(CooperativeStickyAssignor.memberData(v1).generation == 7)
        userData = ByteBufferAllocatorHelper.int32(3)
        let v2 = ConsumerSubscription(topics: ["t"], userData: userData, ownedPartitions: [tp("t", 0)], generationId: 9)
        #expect(CooperativeStickyAssignor.memberData(v2).generation == 9)
        #expect(CooperativeStickyAssignor.memberData(ConsumerSubscription(topics: ["t"])).generation == nil)
    }
}

/// A small seeded generator so the randomized cases repeat exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
