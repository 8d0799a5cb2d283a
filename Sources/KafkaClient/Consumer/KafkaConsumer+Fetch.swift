import KafkaProtocol
import KafkaRecords
import NIOCore

extension KafkaConsumer {
    /// Gives every partition without a position one: its pending seek, else the group's committed
    /// offset, else `auto.offset.reset`.
    func resolvePositions() async throws {
        try await resolveCommittedPositions()
        var wanted: [TopicPartition: OffsetSpec] = [:]
        for tp in order {
            guard let state = partitions[tp], state.position == nil, state.reset != nil || !state.needsCommitted else { continue }
            if let reset = state.reset {
                wanted[tp] = reset
            } else {
                switch configuration.autoOffsetReset {
                case .earliest: wanted[tp] = .earliest
                case .latest: wanted[tp] = .latest
                case .none:
                    throw KafkaClientError(.offsetOutOfRange, "\(tp) has no position and auto.offset.reset is none: seek first")
                }
            }
        }
        guard !wanted.isEmpty else { return }
        let found = try await cluster.listOffsets(wanted, readCommitted: configuration.isolationLevel == .readCommitted)
        for (tp, answer) in found {
            // A seek while we waited wins.
            guard let state = partitions[tp], state.position == nil, state.reset == nil || state.reset == wanted[tp] else { continue }
            switch answer {
            case .success(let listed):
                partitions[tp]?.position = max(listed.offset, 0)
                partitions[tp]?.reset = nil
            case .failure(let error) where error.isRetriable:
                logger.debug("cannot reset \(tp) yet: \(error)")  // the next poll tries again
            case .failure(let error):
                throw error
            }
        }
    }

    /// One fetch from every leader of a partition with a position, in parallel. Returns whether any
    /// fetch completed without error.
    func fetchOnce(maxWait: Duration) async throws -> Bool {
        let topics = Array(Set(order.map(\.topic)))
        let metadata = try await cluster.metadata(for: topics)
        var byLeader: [Int32: [(TopicPartition, Int64)]] = [:]
        var missingLeader: Set<String> = []
        for tp in order {
            guard let position = partitions[tp]?.position else { continue }
            guard let leader = metadata.leader(for: tp) else {
                missingLeader.insert(tp.topic)
                continue
            }
            byLeader[leader, default: []].append((tp, position))
        }
        if !missingLeader.isEmpty { cluster.requestMetadataRefresh(topics: missingLeader) }
        guard !byLeader.isEmpty else { return false }
        let cluster = self.cluster
        let configuration = self.configuration
        let results = await withTaskGroup(of: (Int32, FetchPlan, Result<(FetchResponse, Int16), any Error>).self) { group in
            for (leader, entries) in byLeader {
                let plan = FetchPlan(entries: entries, metadata: metadata)
                group.addTask {
                    do {
                        let response = try await plan.send(to: leader, cluster: cluster, configuration: configuration, maxWait: maxWait)
                        return (leader, plan, .success(response))
                    } catch {
                        return (leader, plan, .failure(error))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        var progressed = false
        var refresh: Set<String> = []
        for (leader, plan, result) in results {
            switch result {
            case .success(let (response, version)):
                progressed = try apply(response, plan: plan, usesTopicIds: version >= 13, refresh: &refresh) || progressed
            case .failure(let error):
                logger.debug("fetch from broker \(leader) failed: \(error)")
                refresh.formUnion(plan.entries.map(\.0.topic))
            }
        }
        if !refresh.isEmpty { cluster.requestMetadataRefresh(topics: refresh) }
        return progressed
    }

    /// Applies one Fetch response: records into the buffer, positions forward, errors handled per
    /// partition. A partition sought while the fetch was out keeps its new position.
    private func apply(_ response: FetchResponse, plan: FetchPlan, usesTopicIds: Bool, refresh: inout Set<String>) throws -> Bool {
        let topLevel = ErrorCode(response.errorCode)
        guard topLevel == .noError else {
            if topLevel.isRetriable { return false }
            throw KafkaClientError.broker(topLevel, "fetch failed")
        }
        var progressed = false
        for topic in response.responses {
            let name = usesTopicIds ? plan.names[topic.topicId] : topic.topic
            guard let name else { continue }
            for data in topic.partitions {
                let tp = TopicPartition(name, data.partitionIndex)
                guard let fetchedFrom = plan.offsets[tp], partitions[tp]?.position == fetchedFrom else { continue }
                let error = ErrorCode(data.errorCode)
                switch error {
                case .noError:
                    partitions[tp]?.highWatermark = data.highWatermark
                    if data.logStartOffset >= 0 { partitions[tp]?.logStartOffset = data.logStartOffset }
                    if data.lastStableOffset >= 0 { partitions[tp]?.lastStableOffset = data.lastStableOffset }
                    let aborted = configuration.isolationLevel == .readCommitted
                        ? (data.abortedTransactions ?? []).map { (producerId: $0.producerId, firstOffset: $0.firstOffset) } : nil
                    let decoded = try FetchedRecords.decode(
                        data.records?.buffer ?? ByteBuffer(), topicPartition: tp, from: fetchedFrom,
                        checkCRCs: configuration.checkCRCs, abortedTransactions: aborted)
                    buffer.append(contentsOf: decoded.records)
                    partitions[tp]?.position = decoded.nextOffset
                    progressed = true
                case .offsetOutOfRange:
                    switch configuration.autoOffsetReset {
                    case .earliest, .latest:
                        logger.info("fetch offset \(fetchedFrom) of \(tp) is out of range; resetting to \(configuration.autoOffsetReset.rawValue)")
                        partitions[tp]?.position = nil
                        partitions[tp]?.reset = configuration.autoOffsetReset == .earliest ? .earliest : .latest
                    case .none:
                        throw KafkaClientError(
                            .offsetOutOfRange, "fetch offset \(fetchedFrom) of \(tp) is out of range and auto.offset.reset is none",
                            brokerError: error)
                    }
                default:
                    if MetadataExchange.invalidatesMetadata(error) || error.isRetriable {
                        refresh.insert(tp.topic)
                    } else {
                        throw KafkaClientError.broker(error, "fetch of \(tp) failed")
                    }
                }
            }
        }
        return progressed
    }
}

/// One Fetch request to one leader: which partitions from which offsets, and how topics are named.
struct FetchPlan: Sendable {
    var entries: [(TopicPartition, Int64)]
    var offsets: [TopicPartition: Int64]
    var topicIds: [String: KafkaUUID]
    var names: [KafkaUUID: String]
    var leaderEpochs: [TopicPartition: Int32]

    init(entries: [(TopicPartition, Int64)], metadata: ClusterMetadata) {
        self.entries = entries
        offsets = Dictionary(entries, uniquingKeysWith: { a, _ in a })
        var ids: [String: KafkaUUID] = [:]
        var epochs: [TopicPartition: Int32] = [:]
        for (tp, _) in entries {
            ids[tp.topic] = metadata.topics[tp.topic]?.id ?? .zero
            epochs[tp] = metadata.partition(tp)?.leaderEpoch ?? -1
        }
        topicIds = ids
        names = Dictionary(ids.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        leaderEpochs = epochs
    }

    /// Fetch v13+ names topics by id (sent only when metadata gave every topic an id).
    func request(version: Int16, configuration: ConsumerConfiguration, maxWait: Duration) -> FetchRequest {
        var request = FetchRequest()
        request.replicaId = -1
        request.maxWaitMs = maxWait.milliseconds32
        request.minBytes = configuration.fetchMinBytes
        request.maxBytes = configuration.fetchMaxBytes
        request.isolationLevel = configuration.isolationLevel.rawValue
        request.sessionId = 0
        request.sessionEpoch = -1
        var byTopic: [String: [FetchRequest.FetchPartition]] = [:]
        var topicOrder: [String] = []
        for (tp, offset) in entries {
            var partition = FetchRequest.FetchPartition()
            partition.partition = tp.partition
            partition.currentLeaderEpoch = leaderEpochs[tp] ?? -1
            partition.fetchOffset = offset
            partition.partitionMaxBytes = configuration.maxPartitionFetchBytes
            if byTopic[tp.topic] == nil { topicOrder.append(tp.topic) }
            byTopic[tp.topic, default: []].append(partition)
        }
        request.topics = topicOrder.map { topic in
            var entry = FetchRequest.FetchTopic()
            entry.topic = topic
            entry.topicId = topicIds[topic] ?? .zero
            entry.partitions = byTopic[topic] ?? []
            return entry
        }
        return request
    }

    func send(
        to leader: Int32, cluster: ClusterClient, configuration: ConsumerConfiguration, maxWait: Duration
    ) async throws -> (FetchResponse, Int16) {
        let connection = try await cluster.connection(to: leader)
        var version = try connection.version(.fetch)
        if topicIds.values.contains(.zero) { version = min(version, 12) }
        guard connection.versions.brokerRanges[.fetch]?.contains(version) == true else {
            throw KafkaClientError(.unsupportedVersion, "broker \(leader) needs topic ids for Fetch, and metadata has none")
        }
        let request = request(version: version, configuration: configuration, maxWait: maxWait)
        let timeout = cluster.configuration.requestTimeout + maxWait
        return (try await connection.send(request, version: version, timeout: timeout), version)
    }
}
