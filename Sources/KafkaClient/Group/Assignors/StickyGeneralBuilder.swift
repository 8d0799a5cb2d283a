import KafkaRecords

/// The sticky assignment when members subscribe to different topics (Kafka's
/// `GeneralAssignmentBuilder`, without racks).
///
/// 1. Keep every owned partition whose member still subscribes to its topic.
/// 2. Remember, per partition, the member of the highest older generation that owned it
///    (`previousOwner`), to prefer sending a partition back there.
/// 3. Deal unassigned partitions (topics with fewer potential members first) to the least loaded
///    member that subscribes to the topic.
/// 4. Move partitions from members with ≥ 2 more than another eligible member until balanced; keep the
///    result only if it is more balanced than before (or this is the first assignment).
struct StickyGeneralBuilder {
    let partitionsPerTopic: [String: Int]
    let totalPartitions: Int
    /// Members subscribed to each existing topic, in member id order.
    let topicMembers: [String: [String]]
    /// Each member's existing subscribed topics.
    let memberTopics: [String: [String]]
    let memberData: [String: StickyAssignment.MemberData]
    let maxGeneration: Int32
    var current: [String: [TopicPartition]]
    var owner: [TopicPartition: String] = [:]
    var sortedAllPartitions: [TopicPartition]
    var byLoad = MembersByLoad()
    var revocationRequired = false
    var movements = PartitionMovements()

    init(
        partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription], owned: [String: [TopicPartition]],
        maxGeneration: Int32, memberData: (ConsumerSubscription) -> StickyAssignment.MemberData
    ) {
        self.partitionsPerTopic = partitionsPerTopic
        self.totalPartitions = partitionsPerTopic.values.reduce(0, +)
        self.maxGeneration = maxGeneration
        var topicMembers: [String: [String]] = partitionsPerTopic.mapValues { _ in [] }
        var memberTopics: [String: [String]] = [:]
        var current = owned
        var data: [String: StickyAssignment.MemberData] = [:]
        for (member, subscription) in subscriptions.sorted(by: { $0.key < $1.key }) {
            var seen: Set<String> = []
            memberTopics[member] = subscription.topics.filter { partitionsPerTopic[$0] != nil && seen.insert($0).inserted }
            for topic in memberTopics[member] ?? [] { topicMembers[topic, default: []].append(member) }
            if current[member] == nil { current[member] = [] }
            data[member] = memberData(subscription)
        }
        self.topicMembers = topicMembers
        self.memberTopics = memberTopics
        self.memberData = data
        self.current = current
        for (member, partitions) in current { for tp in partitions { owner[tp] = member } }
        let topics = partitionsPerTopic.keys.sorted { (topicMembers[$0]?.count ?? 0, $0) < (topicMembers[$1]?.count ?? 0, $1) }
        sortedAllPartitions = [TopicPartition].all(of: topics, counts: partitionsPerTopic)
    }

    mutating func build() -> [String: [TopicPartition]] {
        let previous = previousOwners()
        let assigned = Set(keepOwnedPartitions())
        let unassigned = sortedAllPartitions.filter { !assigned.contains($0) }
        for member in current.keys.sorted() { insertByLoad(member) }
        balance(previous: previous, unassigned: unassigned)
        return current
    }

    /// Step 1: drops owned partitions of vanished topics and of topics the member left.
    private mutating func keepOwnedPartitions() -> [TopicPartition] {
        var assigned: [TopicPartition] = []
        for member in current.keys.sorted() {
            let subscribed = Set(memberTopics[member] ?? [])
            var kept: [TopicPartition] = []
            for tp in current[member] ?? [] {
                if topicMembers[tp.topic] == nil {
                    owner[tp] = nil
                } else if !subscribed.contains(tp.topic) {
                    revocationRequired = true
                } else {
                    kept.append(tp)
                    assigned.append(tp)
                }
            }
            current[member] = kept
        }
        return assigned
    }

    /// Step 2 (Kafka's `prepopulateCurrentAssignments`): the latest older-generation owner per partition.
    private func previousOwners() -> [TopicPartition: (member: String, generation: Int32)] {
        var previous: [TopicPartition: (member: String, generation: Int32)] = [:]
        for (member, data) in memberData.sorted(by: { $0.key < $1.key }) {
            let generation: Int32
            if let known = data.generation, known < maxGeneration {
                generation = known
            } else if data.generation == nil, maxGeneration > StickyAssignment.defaultGeneration {
                generation = StickyAssignment.defaultGeneration
            } else {
                continue
            }
            for tp in data.partitions where previous[tp].map({ generation > $0.generation }) ?? true {
                previous[tp] = (member, generation)
            }
        }
        return previous
    }

    func load(_ member: String) -> Int { current[member]?.count ?? 0 }

    mutating func insertByLoad(_ member: String) {
        let counts = current.mapValues(\.count)
        byLoad.insert(member) { counts[$0] ?? 0 }
    }
}
