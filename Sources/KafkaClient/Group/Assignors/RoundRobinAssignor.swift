import KafkaRecords

/// Kafka's `roundrobin` assignor: every partition of every subscribed topic (topics by name, partitions
/// in order) is dealt to the members in turn, skipping members not subscribed to its topic.
///
/// Two consumers C0, C1 on topics t0 and t1 with three partitions each: C0 gets t0-0, t0-2, t1-1 and C1
/// gets t0-1, t1-0, t1-2. With identical subscriptions the counts differ by at most one. Members are
/// ordered as `AssignorMember` (static members by instance id).
public struct RoundRobinAssignor: PartitionAssignor {
    public let name = "roundrobin"

    public init() {}

    public func assign(partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription]) -> [String: [TopicPartition]] {
        var assignment: [String: [TopicPartition]] = subscriptions.mapValues { _ in [] }
        let members = AssignorMember.sorted(subscriptions)
        guard !members.isEmpty else { return assignment }
        let topicSets = subscriptions.mapValues { Set($0.topics) }
        let topics = Set(subscriptions.values.flatMap(\.topics)).sorted()
        var cursor = 0
        for topic in topics {
            guard let count = partitionsPerTopic[topic] else { continue }
            for partition in 0..<count {
                // Some member subscribes to every topic in `topics`, so this finds one within a lap.
                var steps = 0
                while topicSets[members[cursor].memberId]?.contains(topic) != true, steps < members.count {
                    cursor = (cursor + 1) % members.count
                    steps += 1
                }
                assignment[members[cursor].memberId, default: []].append(TopicPartition(topic, Int32(partition)))
                cursor = (cursor + 1) % members.count
            }
        }
        return assignment
    }
}
