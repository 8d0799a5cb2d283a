import KafkaRecords

/// Kafka's `range` assignor: per topic, the partitions in order are split into contiguous ranges over
/// the topic's subscribers in member order; the first `count % members` get one extra.
///
/// Two consumers C0, C1 on topics t0 and t1 with three partitions each: C0 gets t0-0, t0-1, t1-0, t1-1
/// and C1 gets t0-2, t1-2. Co-partitioned topics land on the same member, which is why Kafka keeps it
/// first in its default list. Members are ordered as `AssignorMember` (static members by instance id).
/// Gregor sends no `client.rack`, so Kafka's rack-aware variant does not apply.
public struct RangeAssignor: PartitionAssignor {
    public let name = "range"

    public init() {}

    public func assign(partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription]) -> [String: [TopicPartition]] {
        var assignment: [String: [TopicPartition]] = subscriptions.mapValues { _ in [] }
        var subscribers: [String: [AssignorMember]] = [:]
        for member in AssignorMember.sorted(subscriptions) {
            for topic in Set(subscriptions[member.memberId]?.topics ?? []) { subscribers[topic, default: []].append(member) }
        }
        for (topic, count) in partitionsPerTopic.sorted(by: { $0.key < $1.key }) where count > 0 {
            guard let members = subscribers[topic], !members.isEmpty else { continue }
            let perMember = count / members.count
            let extra = count % members.count
            var next = 0
            for (index, member) in members.enumerated() {
                let length = perMember + (index < extra ? 1 : 0)
                assignment[member.memberId, default: []] += (next..<next + length).map { TopicPartition(topic, Int32($0)) }
                next += length
            }
        }
        return assignment.mapValues { $0.sorted() }
    }
}
