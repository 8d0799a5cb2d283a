import KafkaProtocol
import KafkaRecords

/// Which offset ListOffsets should find in a partition.
public enum OffsetSpec: Sendable, Hashable {
    /// The log start offset.
    case earliest
    /// The log end offset (the next offset to be written; the high watermark for read_uncommitted).
    case latest
    /// The offset of the record with the largest timestamp (ListOffsets v7+, KIP-734).
    case maxTimestamp
    /// The first offset whose record timestamp is at or after this many ms since the epoch.
    case timestamp(Int64)

    var wireValue: Int64 {
        switch self {
        case .earliest: -2
        case .latest: -1
        case .maxTimestamp: -3
        case .timestamp(let value): value
        }
    }
}

/// One partition's answer to ListOffsets.
public struct ListedOffset: Sendable, Hashable {
    /// The offset found, or -1 when no record matches (a timestamp after the last record).
    public var offset: Int64
    /// The timestamp of that record, or -1 for earliest/latest.
    public var timestamp: Int64
    public var leaderEpoch: Int32?
}

extension ClusterClient {
    /// Looks up offsets on each partition's leader, refreshing metadata and retrying (a few times)
    /// when leaders moved. Per-partition failures come back as `.failure`.
    public func listOffsets(
        _ specs: [TopicPartition: OffsetSpec], readCommitted: Bool = false
    ) async throws -> [TopicPartition: Result<ListedOffset, KafkaClientError>] {
        var results: [TopicPartition: Result<ListedOffset, KafkaClientError>] = [:]
        var remaining = specs
        for attempt in 0..<4 where !remaining.isEmpty {
            if attempt > 0 { try await Task.sleep(for: configuration.retryBackoff) }
            let metadata = try await self.metadata(for: Array(Set(remaining.keys.map(\.topic))))
            var byLeader: [Int32: [TopicPartition: OffsetSpec]] = [:]
            for (tp, spec) in remaining {
                guard metadata.partition(tp) != nil else {
                    // The broker that answered Metadata may not have replayed a new topic yet: ask again
                    // (below) before calling it missing.
                    if attempt == 3 { results[tp] = .failure(KafkaClientError(.unknownTopicOrPartition, "\(tp) does not exist")) }
                    continue
                }
                guard let leader = metadata.leader(for: tp) else { continue }
                byLeader[leader, default: [:]][tp] = spec
            }
            var retry: [TopicPartition: OffsetSpec] = [:]
            for (leader, group) in byLeader {
                let answers: [TopicPartition: Result<ListedOffset, KafkaClientError>]
                do {
                    answers = try await listOffsets(group, on: leader, metadata: metadata, readCommitted: readCommitted)
                } catch let error as KafkaClientError where error.isRetriable {
                    retry.merge(group) { a, _ in a }
                    continue
                }
                for (tp, answer) in answers {
                    if case .failure(let error) = answer, error.isRetriable, attempt < 3 {
                        retry[tp] = group[tp]
                    } else {
                        results[tp] = answer
                    }
                }
            }
            for tp in remaining.keys where byLeader.values.allSatisfy({ $0[tp] == nil }) { retry[tp] = remaining[tp] }
            if !retry.isEmpty { requestMetadataRefresh(topics: retry.keys.map(\.topic)) }
            remaining = retry
        }
        for tp in remaining.keys where results[tp] == nil {
            results[tp] = .failure(KafkaClientError(.leaderNotAvailable, "no leader answered ListOffsets for \(tp)"))
        }
        return results
    }

    private func listOffsets(
        _ group: [TopicPartition: OffsetSpec], on leader: Int32, metadata: ClusterMetadata, readCommitted: Bool
    ) async throws -> [TopicPartition: Result<ListedOffset, KafkaClientError>] {
        let connection = try await connection(to: leader)
        let version = try connection.version(.listOffsets)
        var request = ListOffsetsRequest()
        request.replicaId = -1
        request.isolationLevel = readCommitted ? 1 : 0
        for (topic, entries) in Dictionary(grouping: group, by: { $0.key.topic }) {
            request.topics.append(.init(name: topic, partitions: entries.map { tp, spec in
                var partition = ListOffsetsRequest.ListOffsetsPartition()
                partition.partitionIndex = tp.partition
                partition.currentLeaderEpoch = metadata.partition(tp)?.leaderEpoch ?? -1
                partition.timestamp = spec.wireValue
                return partition
            }))
        }
        if version < 7, group.values.contains(.maxTimestamp) {
            throw KafkaClientError(.unsupportedVersion, "broker \(leader) has no ListOffsets v7 for max-timestamp lookups")
        }
        let response = try await connection.send(request, version: version)
        var results: [TopicPartition: Result<ListedOffset, KafkaClientError>] = [:]
        for topic in response.topics {
            for partition in topic.partitions {
                let tp = TopicPartition(topic.name, partition.partitionIndex)
                let error = ErrorCode(partition.errorCode)
                if error == .noError {
                    results[tp] = .success(ListedOffset(
                        offset: partition.offset, timestamp: partition.timestamp,
                        leaderEpoch: partition.leaderEpoch >= 0 ? partition.leaderEpoch : nil))
                } else {
                    results[tp] = .failure(.broker(error, "ListOffsets for \(tp) failed"))
                }
            }
        }
        return results
    }
}
