import KafkaProtocol
import KafkaRecords

extension KafkaAdmin {
    /// A group's committed offsets (OffsetFetch): all of them, or those of `partitions`. Partitions
    /// without a committed offset are absent.
    public func listGroupOffsets(_ groupId: String, partitions: [TopicPartition]? = nil) async throws -> [TopicPartition: OffsetAndMetadata] {
        try await onCoordinator(groupId) { connection in
            let version = try connection.version(.offsetFetch)
            let request = try OffsetExchange.fetchRequest(group: groupId, partitions: partitions, version: version, requireStable: false)
            let response = try await connection.send(request, version: version)
            let fetched = OffsetExchange.fetchResponse(response, group: groupId, version: version)
            if fetched.error != .noError { return .failure(.broker(fetched.error, "cannot read offsets of group '\(groupId)'")) }
            var offsets: [TopicPartition: OffsetAndMetadata] = [:]
            for (tp, entry) in fetched.partitions {
                if entry.error != .noError, entry.error != .unknownTopicOrPartition {
                    return .failure(.broker(entry.error, "cannot read the offset of \(tp) in group '\(groupId)'"))
                }
                if let offset = entry.offset { offsets[tp] = offset }
            }
            return .success(offsets)
        }
    }

    /// Sets a group's committed offsets, as `kafka-consumer-groups --reset-offsets --execute` does
    /// (OffsetCommit with generation -1 and no member id). The group must have no active members: the
    /// coordinator refuses otherwise (UNKNOWN_MEMBER_ID). Returns the partitions that failed.
    public func alterGroupOffsets(_ groupId: String, offsets: [TopicPartition: OffsetAndMetadata]) async throws -> [TopicPartition: KafkaClientError] {
        guard !offsets.isEmpty else { return [:] }
        return try await onCoordinator(groupId) { connection in
            let version = try connection.version(.offsetCommit)
            let request = OffsetExchange.commitRequest(group: groupId, offsets: offsets, committer: .none, version: version)
            let errors = OffsetExchange.commitErrors(try await connection.send(request, version: version))
            if let moved = errors.values.first(where: { $0.meansCoordinatorMoved || $0 == .coordinatorLoadInProgress }) {
                return .failure(.broker(moved, "cannot commit offsets of group '\(groupId)'"))
            }
            return .success(errors.mapValues { error in
                error == .unknownMemberId || error == .illegalGeneration || error == .rebalanceInProgress
                    ? .broker(error, "cannot reset offsets of group '\(groupId)'", message: "the group has active members; stop its consumers first")
                    : .broker(error, "cannot commit the offset for group '\(groupId)'")
            })
        }
    }

    /// Deletes a group's committed offsets of `partitions` (OffsetDelete); a topic the group still
    /// consumes fails with GROUP_SUBSCRIBED_TO_TOPIC. Returns the partitions that failed.
    public func deleteGroupOffsets(_ groupId: String, partitions: [TopicPartition]) async throws -> [TopicPartition: KafkaClientError] {
        guard !partitions.isEmpty else { return [:] }
        return try await onCoordinator(groupId) { connection in
            var request = OffsetDeleteRequest()
            request.groupId = groupId
            let byTopic = Dictionary(grouping: partitions, by: \.topic)
            request.topics = byTopic.keys.sorted().map { topic in
                .init(name: topic, partitions: (byTopic[topic] ?? []).map { .init(partitionIndex: $0.partition) })
            }
            let response = try await connection.send(request)
            let error = ErrorCode(response.errorCode)
            if error != .noError { return .failure(.broker(error, "cannot delete offsets of group '\(groupId)'")) }
            var failures: [TopicPartition: KafkaClientError] = [:]
            for topic in response.topics {
                for partition in topic.partitions where partition.errorCode != 0 {
                    let tp = TopicPartition(topic.name, partition.partitionIndex)
                    failures[tp] = .broker(ErrorCode(partition.errorCode), "cannot delete the offset of \(tp) in group '\(groupId)'")
                }
            }
            return .success(failures)
        }
    }

    /// Runs one request against a group's coordinator, looking it up again when it moved or is loading.
    private func onCoordinator<Value: Sendable>(
        _ groupId: String, _ body: (BrokerConnection) async throws -> Result<Value, KafkaClientError>
    ) async throws -> Value {
        let answers = try await perCoordinator([groupId]) { _, connection, _ in [groupId: try await body(connection)] }
        guard let answer = answers[groupId] else { throw KafkaClientError(.malformedResponse, "no answer for group '\(groupId)'") }
        return try answer.get()
    }
}
