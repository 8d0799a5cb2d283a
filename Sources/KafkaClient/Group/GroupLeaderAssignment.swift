import KafkaProtocol
import KafkaRecords
import NIOCore

/// What the group leader does between JoinGroup and SyncGroup (Kafka's `onLeaderElected`): read every
/// member's subscription, look up the partition counts of all subscribed topics, run the assignor the
/// coordinator selected, and encode one assignment per member.
struct GroupLeaderAssignment: Sendable {
    let cluster: ClusterClient
    let assignors: [any PartitionAssignor]
    /// `allow.auto.create.topics`: the leader's metadata request may create missing subscribed topics.
    var allowAutoCreate = false

    struct Result: Sendable {
        var assignments: [String: ByteBuffer]
        /// Partition counts of every subscribed topic (0: missing) the assignment was made from; the
        /// leader rejoins when they change (a topic gained partitions, appeared or vanished).
        var partitionCounts: [String: Int]
    }

    func assign(protocolName: String, members: [JoinGroupResponse.JoinGroupResponseMember]) async throws -> Result {
        guard let assignor = assignors.first(where: { $0.name == protocolName }) else {
            throw KafkaClientError(.invalidArgument, "the coordinator selected assignor '\(protocolName)', which this consumer did not offer")
        }
        var subscriptions: [String: ConsumerSubscription] = [:]
        for member in members {
            var subscription = try ConsumerSubscription(decoding: member.metadata)
            subscription.groupInstanceId = member.groupInstanceId
            subscriptions[member.memberId] = subscription
        }
        let topics = Set(subscriptions.values.flatMap(\.topics)).sorted()
        let metadata = topics.isEmpty ? cluster.metadata : try await cluster.refreshMetadata(topics: topics, allowAutoCreate: allowAutoCreate)
        var counts: [String: Int] = [:]
        for topic in topics { if let count = metadata.partitionCount(topic) { counts[topic] = count } }
        let assignment = assignor.assign(partitionsPerTopic: counts, subscriptions: subscriptions)
        var encoded: [String: ByteBuffer] = [:]
        for member in subscriptions.keys {
            encoded[member] = ConsumerAssignment(partitions: assignment[member] ?? []).encoded()
        }
        cluster.configuration.logger.info(
            "group leader assigned with \(protocolName): \(assignment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.sorted())" }.joined(separator: " "))")
        return Result(assignments: encoded, partitionCounts: Dictionary(uniqueKeysWithValues: topics.map { ($0, counts[$0] ?? 0) }))
    }
}
