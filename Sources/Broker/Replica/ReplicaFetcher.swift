import Faults
import KafkaClient
import KafkaProtocol
import KafkaRecords
import Logging
import Replication

/// Fetches, for every partition this broker follows under one leader broker, what the leader has
/// (Kafka's `ReplicaFetcherThread`): one long-polling Fetch at a time with this broker's replica id
/// and epoch, each partition from its log end with the epoch of its last batch, so the leader can
/// answer with the records or with where the logs diverge. It ends when no partition follows that
/// leader any more.
struct ReplicaFetcher: Sendable {
    let leaderId: Int32
    let nodeId: Int32
    let replicas: ReplicaManager
    let metadata: MetadataService
    let config: BrokerConfig
    let logger: Logger
    /// Network faults between this broker and the leader, when fault injection is on.
    var faults: BrokerFaults? = nil

    func run() async {
        var connection: BrokerConnection?
        var lastError = ""  // each new failure is logged once, not on every retry
        defer { if let connection { Task { await connection.close() } } }
        while !Task.isCancelled {
            let partitions = replicas.followedByLeader[leaderId] ?? []
            if partitions.isEmpty { return }
            do {
                if connection == nil || connection?.isActive == false { connection = try await connect() }
                guard let connection else { continue }
                if try await fetchOnce(partitions, over: connection) { continue }
            } catch is CancellationError {
                return
            } catch {
                if "\(error)" != lastError {
                    lastError = "\(error)"
                    logger.warning("fetching from broker \(leaderId) failed; retrying every replica.fetch.backoff.ms", metadata: ["error": "\(error)"])
                }
                if let open = connection { await open.close() }
                connection = nil
            }
            try? await Task.sleep(for: .milliseconds(config.replicaFetchBackoffMs))
        }
    }

    private func connect() async throws -> BrokerConnection {
        guard let leader = metadata.cache.image.brokers[leaderId] else {
            throw KafkaClientError(.brokerNotAvailable, "broker \(leaderId) is not registered")
        }
        var configuration = ClientConfiguration(bootstrapServers: [])
        configuration.clientId = PeerClientId.replicaFetcher(nodeId)
        configuration.requestTimeout = .milliseconds(Int64(config.replicaFetchWaitMaxMs) + 30_000)
        return try await BrokerConnection.connect(to: BrokerAddress(host: leader.host, port: Int(leader.port)), configuration: configuration)
    }

    /// One Fetch round trip; false when a partition needs the backoff before the next one.
    private func fetchOnce(_ partitions: [Partition], over connection: BrokerConnection) async throws -> Bool {
        var sent: [PartitionKey: (Partition, ReplicaFetchRequest)] = [:]
        // Gregor serves Fetch v4+; the follower's fields moved in v13 (topic ids) and v15 (ReplicaState, KIP-903).
        let version = min(connection.versions.highestCommonVersion(.fetch) ?? 12, 16)
        guard version >= 12 else { throw KafkaClientError(.unsupportedVersion, "broker \(leaderId) cannot serve follower fetches (Fetch v12+)") }
        var request = FetchRequest(maxWaitMs: config.replicaFetchWaitMaxMs, minBytes: 1, maxBytes: config.replicaFetchResponseMaxBytes)
        if version >= 15 {
            request.replicaState = .init(replicaId: nodeId, replicaEpoch: metadata.cache.image.brokers[nodeId]?.epoch ?? -1)
        } else {
            request.replicaId = nodeId
        }
        for partition in partitions {
            guard let (fetch, leader) = partition.followerFetchRequest(maxBytes: Int(config.replicaFetchMaxBytes)), leader == leaderId else {
                continue
            }
            var wire = FetchRequest.FetchPartition(partition: partition.topicPartition.partition, fetchOffset: fetch.fetchOffset,
                                                   partitionMaxBytes: Int32(clamping: fetch.maxBytes))
            wire.currentLeaderEpoch = fetch.currentLeaderEpoch ?? -1
            wire.lastFetchedEpoch = fetch.lastFetchedEpoch ?? -1
            wire.logStartOffset = partition.log.logStartOffset
            if let index = request.topics.firstIndex(where: { $0.topicId == partition.topicId && $0.topic == partition.topicPartition.topic }) {
                request.topics[index].partitions.append(wire)
            } else if version >= 13 {
                request.topics.append(FetchRequest.FetchTopic(topicId: partition.topicId, partitions: [wire]))
            } else {
                request.topics.append(FetchRequest.FetchTopic(topic: partition.topicPartition.topic, partitions: [wire]))
            }
            sent[PartitionKey(topicId: partition.topicId, topic: partition.topicPartition.topic, index: wire.partition)] = (partition, fetch)
        }
        guard !sent.isEmpty else { return false }
        try await faults?.admitOutbound(to: leaderId, timeout: .milliseconds(Int64(config.replicaFetchWaitMaxMs) + 30_000))
        let response = try await connection.send(request, version: version)
        guard response.errorCode == 0 else {
            logger.info("broker \(leaderId) refused the fetch: \(ErrorCode(response.errorCode))")
            return false
        }
        var healthy = true
        for topic in response.responses {
            for data in topic.partitions {
                let key = PartitionKey(topicId: topic.topicId, topic: topic.topic, index: data.partitionIndex)
                guard let (partition, fetch) = sent.first(where: { $0.key.matches(key) })?.value else { continue }
                if !(try apply(data, to: partition, answering: fetch, over: connection)) { healthy = false }
            }
        }
        return healthy
    }

    /// Applies one partition's answer; false when it failed (the caller backs off).
    private func apply(
        _ data: FetchResponse.PartitionData, to partition: Partition, answering fetch: ReplicaFetchRequest, over connection: BrokerConnection
    ) throws -> Bool {
        var answer = ReplicaFetchResponse<StoredBatch>(
            request: fetch, error: data.errorCode == 0 ? nil : ReplicationError(rawValue: data.errorCode) ?? .invalidRequest,
            highWatermark: data.highWatermark, logStartOffset: data.logStartOffset)
        if data.divergingEpoch.epoch >= 0 {
            answer.divergingEpoch = EpochEndOffset(epoch: data.divergingEpoch.epoch, endOffset: data.divergingEpoch.endOffset)
        }
        if case .bytes(let bytes)? = data.records {
            answer.batches = RecordBatchSequence(bytes).map { StoredBatch(batch: $0) }
        }
        guard let outcome = try partition.handleFollowerFetchResponse(answer, now: WallClock.milliseconds()) else { return true }
        switch outcome {
        case .appended, .truncated, .stale:
            if case .truncated(let offset) = outcome {
                logger.info("truncated \(partition.topicPartition) to \(offset) to match broker \(leaderId)")
            }
            return true
        case .failed(let error):
            // The wire's code: one Replication does not name (UNKNOWN_TOPIC_ID from a leader that has not
            // replayed a new topic yet) is handled as INVALID_REQUEST, but logged as it came.
            let code = data.errorCode != 0 ? "\(ErrorCode(data.errorCode))" : "\(error)"
            logger.info("broker \(leaderId) refused the fetch of \(partition.topicPartition): \(code)")
            return false
        case .appendFailed(let error):
            logger.error("could not append what broker \(leaderId) sent for \(partition.topicPartition)", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// A fetched partition, by topic id (v13+) or by name.
    private struct PartitionKey: Hashable {
        var topicId: KafkaUUID
        var topic: String
        var index: Int32

        func matches(_ other: PartitionKey) -> Bool {
            index == other.index && (other.topicId != .zero ? topicId == other.topicId : topic == other.topic)
        }
    }
}
