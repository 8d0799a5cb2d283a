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

    /// Sends a fetch to every leader of a partition with a position that has none in flight (and is
    /// not backing off after a failure). Each completes on its own: `completeFetch` applies it and wakes
    /// the poll, so records from a busy leader never wait for an idle one's long poll.
    func startFetches() async throws {
        let topics = Array(Set(order.map(\.topic)))
        let metadata = try await cluster.metadata(for: topics)
        let now = ContinuousClock.now
        let asked = fetchesInFlight.values.reduce(into: Set<TopicPartition>()) { $0.formUnion($1) }
        var byLeader: [Int32: [(TopicPartition, Int64)]] = [:]
        var missingLeader: Set<String> = []
        for tp in order where !asked.contains(tp) {
            guard let position = partitions[tp]?.position else { continue }
            guard let leader = metadata.leader(for: tp) else {
                missingLeader.insert(tp.topic)
                continue
            }
            guard fetchesInFlight[leader] == nil, (fetchBackoff[leader].map { $0 <= now } ?? true) else { continue }
            byLeader[leader, default: []].append((tp, position))
        }
        if !missingLeader.isEmpty { cluster.requestMetadataRefresh(topics: missingLeader) }
        let (cluster, configuration) = (self.cluster, self.configuration)
        for (leader, entries) in byLeader {
            let plan = FetchPlan(entries: entries, metadata: metadata)
            fetchesInFlight[leader] = Set(entries.map(\.0))
            fetchBackoff[leader] = nil
            Task {
                let result: Result<(FetchResponse, Int16), any Error>
                do {
                    result = .success(try await plan.send(to: leader, cluster: cluster, configuration: configuration, maxWait: configuration.fetchMaxWait))
                } catch {
                    result = .failure(error)
                }
                self.completeFetch(from: leader, plan: plan, result: result)
            }
        }
    }

    /// A fetch came back: its records go into the buffer (positions forward), its errors per
    /// partition are handled, and the waiting poll wakes.
    private func completeFetch(from leader: Int32, plan: FetchPlan, result: Result<(FetchResponse, Int16), any Error>) {
        fetchesInFlight[leader] = nil
        defer { wakeFetchWaiters() }
        guard !closed else { return }
        var refresh: Set<String> = []
        switch result {
        case .success(let (response, version)):
            do {
                try apply(response, plan: plan, usesTopicIds: version >= 13, refresh: &refresh)
            } catch {
                fetchFailure = error
            }
        case .failure(let error):
            logger.debug("fetch from broker \(leader) failed: \(error)")
            fetchBackoff[leader] = .now + cluster.configuration.retryBackoff
            refresh.formUnion(plan.entries.map(\.0.topic))
        }
        if !refresh.isEmpty { cluster.requestMetadataRefresh(topics: refresh) }
    }

    /// Waits until a fetch completes or `deadline` passes.
    func waitForFetch(until deadline: ContinuousClock.Instant) async {
        let id = nextFetchWaiter
        nextFetchWaiter += 1
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline)
            await self?.wakeFetchWaiter(id)
        }
        await withCheckedContinuation { fetchWaiters[id] = $0 }
        timer.cancel()
    }

    private func wakeFetchWaiter(_ id: Int) {
        fetchWaiters.removeValue(forKey: id)?.resume()
    }

    func wakeFetchWaiters() {
        let waiters = fetchWaiters.values
        fetchWaiters = [:]
        for waiter in waiters { waiter.resume() }
    }

    /// Applies one Fetch response: records into the buffer, positions forward, errors handled per
    /// partition. A partition sought while the fetch was out keeps its new position.
    private func apply(_ response: FetchResponse, plan: FetchPlan, usesTopicIds: Bool, refresh: inout Set<String>) throws {
        let topLevel = ErrorCode(response.errorCode)
        guard topLevel == .noError else {
            if topLevel.isRetriable {
                refresh.formUnion(plan.entries.map(\.0.topic))
                return
            }
            throw KafkaClientError.broker(topLevel, "fetch failed")
        }
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
