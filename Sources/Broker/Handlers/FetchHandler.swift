import KafkaProtocol
import KafkaRecords
import LogStorage
import Raft

/// Fetch (key 1), versions 4-16: reads each partition from the fetch offset up to the high watermark,
/// straight from the segment files (sent with sendfile). If fewer than `min.bytes` are ready it waits,
/// up to `max.wait.ms`, and answers as soon as enough arrive. `max.bytes` bounds the answer and
/// `partition.max.bytes` each partition, except that the first batch of the first partition with data
/// is sent whole even when larger (KIP-74). Fetch sessions (KIP-227) are not kept: every answer is a
/// full one with session id 0, which the protocol allows a broker to do. Only a partition's leader
/// answers consumers; a follower broker's fetch (replica id ≥ 0) goes to `answerFollower`, and the
/// metadata quorum's to the quorum.
struct FetchHandler: APIHandler {
    typealias Request = FetchRequest
    static let versions: ClosedRange<Int16> = 4...16

    let broker: BrokerContext

    func handle(_ request: FetchRequest, context: RequestContext) async throws -> FetchResponse? {
        if let quorumFetch = RaftWire.fetch(from: request, version: context.apiVersion), quorumFetch.replicaId >= 0 {
            return try await answerQuorum(quorumFetch, clusterId: request.clusterId)
        }
        var response = FetchResponse()
        if context.apiVersion >= 7 && request.sessionId != 0 {
            response.errorCode = ErrorCode.fetchSessionIdNotFound.rawValue
            return response
        }
        let replicaId = context.apiVersion >= 15 ? request.replicaState.replicaId : request.replicaId
        if replicaId >= 0 {
            let brokerEpoch = context.apiVersion >= 15 ? request.replicaState.replicaEpoch : -1
            return try await answerFollower(request, replicaId: replicaId, brokerEpoch: brokerEpoch, version: context.apiVersion)
        }
        let targets = resolve(request, version: context.apiVersion)
        let deadline = ContinuousClock.now + .milliseconds(max(0, Int64(request.maxWaitMs)))
        var reads = read(targets, request: request)
        while reads.bytes < Int(request.minBytes), !reads.hasErrors, ContinuousClock.now < deadline {
            let waiter = DataWaiter()
            let partitions = targets.compactMap(\.partition)
            for partition in partitions { partition.waiters.register(waiter) }
            let highWatermarks = partitions.map(\.highWatermark)
            if highWatermarks == reads.highWatermarks { await waiter.wait(until: deadline) }
            for partition in partitions { partition.waiters.unregister(waiter) }
            reads = read(targets, request: request)
        }
        for (target, result) in zip(targets, reads.results) {
            if case .success(let read) = result, let partition = target.partition, let size = read.slices.first?.length, size > 0 {
                broker.metrics.bytesOut(topic: partition.topicPartition.topic, bytes: size)
            }
        }
        response.responses = try answer(targets, reads: reads, version: context.apiVersion)
        return response
    }

    /// A metadata quorum member's fetch of `__cluster_metadata-0` (KIP-595), answered by the quorum.
    private func answerQuorum(_ fetch: RaftMessage.FetchRequest, clusterId: String?) async throws -> FetchResponse {
        if let refused = QuorumRequests.refuse(clusterId, broker) {
            var response = FetchResponse()
            response.errorCode = refused.rawValue
            return response
        }
        let answer = try await broker.controller.quorum.fetch(fetch, from: fetch.replicaId)
        return try RaftWire.fetchResponse(answer, timestamp: broker.clock())
    }

    /// One requested partition, found or not.
    struct Target {
        var topic: String
        var topicId: KafkaUUID
        var request: FetchRequest.FetchPartition
        var partition: Partition?
        var missing: ErrorCode?
    }

    func resolve(_ request: FetchRequest, version: Int16) -> [Target] {
        let image = broker.metadata.image
        var targets: [Target] = []
        for topic in request.topics {
            let name = version >= 13 ? image.topic(id: topic.topicId)?.name : topic.topic
            for partition in topic.partitions {
                var target = Target(topic: name ?? topic.topic, topicId: topic.topicId, request: partition)
                if let name {
                    target.partition = broker.replicas.partition(TopicPartition(name, partition.partition))
                }
                if target.partition == nil { target.missing = version >= 13 ? .unknownTopicId : .unknownTopicOrPartition }
                targets.append(target)
            }
        }
        return targets
    }

    /// The partitions' reads, in request order, and their total size.
    private struct Reads {
        var results: [Result<LogReadResult, ErrorCode>] = []
        var highWatermarks: [Int64] = []
        var bytes = 0
        var hasErrors = false
    }

    private func read(_ targets: [Target], request: FetchRequest) -> Reads {
        var reads = Reads()
        var budget = Int(max(0, request.maxBytes))
        for target in targets {
            guard let partition = target.partition else {
                reads.results.append(.failure(target.missing ?? .unknownTopicOrPartition))
                reads.hasErrors = true
                continue
            }
            reads.highWatermarks.append(partition.highWatermark)
            if let problem = checkEpoch(target.request.currentLeaderEpoch, partition) ?? (partition.isLeader ? nil : .notLeaderOrFollower) {
                reads.results.append(.failure(problem))
                reads.hasErrors = true
                continue
            }
            do {
                let limit = min(budget, Int(max(0, target.request.partitionMaxBytes)))
                let result = try partition.log.read(
                    from: target.request.fetchOffset, maxBytes: limit, upTo: partition.highWatermark, minOneBatch: reads.bytes == 0)
                let size = result.slices.first?.length ?? 0
                budget = max(0, budget - size)
                reads.bytes += size
                reads.results.append(.success(result))
            } catch {
                if case .offsetOutOfRange = error {
                    reads.results.append(.failure(.offsetOutOfRange))
                } else {
                    broker.logger.error("fetch read failed", metadata: ["partition": "\(partition.topicPartition)", "error": "\(error)"])
                    reads.results.append(.failure(.kafkaStorageError))
                }
                reads.hasErrors = true
            }
        }
        return reads
    }

    /// FENCED_LEADER_EPOCH for a client behind this leader's epoch, UNKNOWN_LEADER_EPOCH for one ahead (KIP-320).
    private func checkEpoch(_ epoch: Int32, _ partition: Partition) -> ErrorCode? {
        guard epoch >= 0 else { return nil }
        let current = partition.leaderEpoch
        if epoch < current { return .fencedLeaderEpoch }
        if epoch > current { return .unknownLeaderEpoch }
        return nil
    }

    private func answer(_ targets: [Target], reads: Reads, version: Int16) throws -> [FetchResponse.FetchableTopicResponse] {
        var topics: [FetchResponse.FetchableTopicResponse] = []
        for (target, result) in zip(targets, reads.results) {
            var data = FetchResponse.PartitionData(partitionIndex: target.request.partition, highWatermark: -1)
            data.lastStableOffset = -1
            data.logStartOffset = -1
            if let partition = target.partition {
                data.highWatermark = partition.highWatermark
                data.lastStableOffset = data.highWatermark
                data.logStartOffset = partition.log.logStartOffset
            }
            switch result {
            case .success(let read):
                // One segment's slice per partition, as Kafka reads one segment at a time.
                data.records = try read.slices.first?.recordsPayload() ?? .empty
            case .failure(let code):
                data.errorCode = code.rawValue
                data.records = .empty
            }
            if topics.last?.topic != target.topic || topics.last?.topicId != target.topicId {
                topics.append(FetchResponse.FetchableTopicResponse(topic: version >= 13 ? "" : target.topic, topicId: target.topicId))
            }
            topics[topics.count - 1].partitions.append(data)
        }
        return topics
    }
}
