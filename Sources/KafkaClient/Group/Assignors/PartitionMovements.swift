import KafkaRecords

/// The moves the general sticky builder has made so far (Kafka's `PartitionMovements`): which partition
/// went from which member to which, by topic.
///
/// Before moving a partition from A to B, the builder asks for the partition that should really move:
/// if some partition of the same topic already moved from B to A in this assignment, that one goes back
/// instead, so no topic's partitions swap between two members (the stickiness goal).
struct PartitionMovements {
    struct Pair: Hashable {
        var source: String
        var destination: String
    }

    private var byTopic: [String: [Pair: Set<TopicPartition>]] = [:]
    private var moves: [TopicPartition: Pair] = [:]

    /// The partition to move from `oldOwner` to `newOwner` in place of `partition`.
    func partitionToMove(_ partition: TopicPartition, from oldOwner: String, to newOwner: String) -> TopicPartition {
        guard let topicMoves = byTopic[partition.topic] else { return partition }
        let origin = moves[partition]?.source ?? oldOwner
        guard let reverse = topicMoves[Pair(source: newOwner, destination: origin)], let first = reverse.min() else {
            return partition
        }
        return first
    }

    mutating func move(_ partition: TopicPartition, from oldOwner: String, to newOwner: String) {
        if let existing = removeRecord(of: partition) {
            // Moving back to where it came from erases the move.
            if existing.source != newOwner { addRecord(partition, Pair(source: existing.source, destination: newOwner)) }
        } else {
            addRecord(partition, Pair(source: oldOwner, destination: newOwner))
        }
    }

    private mutating func removeRecord(of partition: TopicPartition) -> Pair? {
        guard let pair = moves.removeValue(forKey: partition) else { return nil }
        byTopic[partition.topic]?[pair]?.remove(partition)
        if byTopic[partition.topic]?[pair]?.isEmpty == true { byTopic[partition.topic]?[pair] = nil }
        if byTopic[partition.topic]?.isEmpty == true { byTopic[partition.topic] = nil }
        return pair
    }

    private mutating func addRecord(_ partition: TopicPartition, _ pair: Pair) {
        moves[partition] = pair
        byTopic[partition.topic, default: [:]][pair, default: []].insert(partition)
    }
}

/// Members ordered by (number of partitions assigned, member id), Kafka's `TreeSet` with
/// `SubscriptionComparator`. A member's count must not change while it is in the set: callers remove
/// it, change its assignment, and insert it again.
struct MembersByLoad {
    private(set) var members: [String] = []

    var first: String? { members.first }
    var last: String? { members.last }

    func contains(_ member: String) -> Bool { members.contains(member) }

    mutating func insert(_ member: String, load: (String) -> Int) {
        guard !members.contains(member) else { return }
        let key = (load(member), member)
        let index = members.firstIndex { (load($0), $0) > key } ?? members.count
        members.insert(member, at: index)
    }

    mutating func remove(_ member: String) {
        members.removeAll { $0 == member }
    }
}
