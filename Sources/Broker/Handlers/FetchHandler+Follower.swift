import KafkaProtocol
import KafkaRecords
import LogStorage
import NIOCore
import Replication

extension FetchHandler {
    /// A follower broker's fetch (replica id ≥ 0, Kafka's `ReplicaFetcherThread` on the other side):
    /// each partition is answered by this broker's leader state — records up to the log end, or the
    /// diverging epoch when the follower's last epoch is not on this log (KIP-320) — and moves that
    /// follower's position, the high watermark and maybe the ISR. Without enough bytes it waits up to
    /// `max.wait.ms` for appends, as a consumer's fetch does.
    func answerFollower(_ request: FetchRequest, replicaId: Int32, brokerEpoch: Int64, version: Int16) async throws -> FetchResponse {
        let targets = resolve(request, version: version)
        let deadline = ContinuousClock.now + .milliseconds(max(0, Int64(request.maxWaitMs)))
        var answers = followerReads(targets, replicaId: replicaId, brokerEpoch: brokerEpoch, request: request)
        while answers.bytes < Int(request.minBytes), !answers.hasErrors, ContinuousClock.now < deadline {
            let waiter = DataWaiter()
            let partitions = targets.compactMap(\.partition)
            for partition in partitions { partition.waiters.register(waiter) }
            if partitions.map(\.log.logEndOffset) == answers.logEndOffsets { await waiter.wait(until: deadline) }
            for partition in partitions { partition.waiters.unregister(waiter) }
            answers = followerReads(targets, replicaId: replicaId, brokerEpoch: brokerEpoch, request: request)
        }
        var response = FetchResponse()
        for (target, data) in zip(targets, answers.partitions) {
            if response.responses.last?.topic != target.topic || response.responses.last?.topicId != target.topicId {
                response.responses.append(FetchResponse.FetchableTopicResponse(topic: version >= 13 ? "" : target.topic, topicId: target.topicId))
            }
            response.responses[response.responses.count - 1].partitions.append(data)
        }
        return response
    }

    private struct FollowerReads {
        var partitions: [FetchResponse.PartitionData] = []
        var logEndOffsets: [Int64] = []
        var bytes = 0
        var hasErrors = false
    }

    private func followerReads(_ targets: [Target], replicaId: Int32, brokerEpoch: Int64, request: FetchRequest) -> FollowerReads {
        var reads = FollowerReads()
        var budget = Int(max(0, request.maxBytes))
        let now = broker.clock()
        for target in targets {
            var data = FetchResponse.PartitionData(partitionIndex: target.request.partition, highWatermark: -1)
            data.lastStableOffset = -1
            data.logStartOffset = -1
            data.records = .empty
            guard let partition = target.partition else {
                data.errorCode = (target.missing ?? .unknownTopicOrPartition).rawValue
                reads.partitions.append(data)
                reads.hasErrors = true
                continue
            }
            reads.logEndOffsets.append(partition.log.logEndOffset)
            let fetch = ReplicaFetchRequest(
                replicaId: replicaId, brokerEpoch: brokerEpoch,
                currentLeaderEpoch: target.request.currentLeaderEpoch >= 0 ? target.request.currentLeaderEpoch : nil,
                fetchOffset: target.request.fetchOffset,
                lastFetchedEpoch: target.request.lastFetchedEpoch >= 0 ? target.request.lastFetchedEpoch : nil,
                maxBytes: min(budget, Int(max(0, target.request.partitionMaxBytes))))
            let (answer, effects) = partition.handleReplicaFetch(fetch, now: now)
            if let change = effects.alterPartition {
                broker.alterPartitions.submit(change, for: partition)
            }
            data.highWatermark = answer.highWatermark
            data.lastStableOffset = answer.highWatermark
            data.logStartOffset = answer.logStartOffset  // on OFFSET_OUT_OF_RANGE too: a follower below it starts there
            if let error = answer.error {
                data.errorCode = error.rawValue
                reads.hasErrors = true
                reads.partitions.append(data)
                continue
            }
            if let diverging = answer.divergingEpoch {
                data.divergingEpoch = FetchResponse.EpochEndOffset(epoch: diverging.epoch, endOffset: diverging.endOffset)
                reads.hasErrors = true  // answer at once: the follower must truncate before it fetches on
            }
            // Batches read back to back from one segment go out as that file region (sendfile), as
            // consumer fetches do; otherwise their bytes are copied into the answer.
            let size = answer.batches.reduce(0) { $0 + $1.batch.sizeInBytes }
            if size == 0 {
                data.records = .empty
            } else if let slice = answer.batches.contiguousFileSlice, let payload = try? slice.recordsPayload() {
                data.records = payload
            } else {
                var bytes = ByteBuffer()
                for batch in answer.batches { bytes.writeImmutableBuffer(batch.batch.bytes) }
                data.records = .bytes(bytes)
            }
            budget = max(0, budget - size)
            reads.bytes += size
            reads.partitions.append(data)
        }
        return reads
    }
}
