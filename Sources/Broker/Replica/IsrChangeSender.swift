import KafkaProtocol
import Logging
import Replication

/// Sends the ISR changes this broker's partition leaders propose (followers joining, laggards
/// leaving) to the controller with AlterPartition, and hands each answer back to its partition
/// (Kafka's `AlterPartitionManager`). A partition has at most one change in flight, which its
/// `PartitionLeader` enforces; a change the controller could not be reached for is sent again after
/// `replica.fetch.backoff.ms` for as long as the partition still waits for it.
final class IsrChangeSender: Sendable {
    private let metadata: MetadataService
    private let nodeId: Int32
    private let backoffMs: Int64
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let metrics: BrokerMetrics?

    init(
        metadata: MetadataService, nodeId: Int32, backoffMs: Int64, clock: @escaping @Sendable () -> Int64, logger: Logger,
        metrics: BrokerMetrics? = nil
    ) {
        self.metrics = metrics
        self.metadata = metadata
        self.nodeId = nodeId
        self.backoffMs = backoffMs
        self.clock = clock
        self.logger = logger
    }

    func submit(_ change: Replication.AlterPartitionRequest, for partition: Partition) {
        Task { await send(change, for: partition) }
    }

    private func send(_ change: Replication.AlterPartitionRequest, for partition: Partition) async {
        let before = partition.isr.count
        logger.info("proposing ISR \(change.isrReplicas.sorted()) for \(partition.topicPartition)", metadata: ["leaderEpoch": "\(change.leaderEpoch)"])
        while partition.pendingIsrChange == change {
            do {
                let answer = try await metadata.proposeIsrChange(wireRequest(change, for: partition))
                if answer.errorCode == 0, let result = answer.topics.first?.partitions.first {
                    let outcome = partition.handleAlterPartitionResponse(Self.outcome(result, change: change), to: change, now: clock())
                    if case .reverted = outcome {
                        logger.info("the controller refused ISR \(change.isrReplicas.sorted()) for \(partition.topicPartition): \(ErrorCode(result.errorCode))")
                    } else if change.isrReplicas.count < before {
                        metrics?.isrShrinks.increment()
                    } else if change.isrReplicas.count > before {
                        metrics?.isrExpands.increment()
                    }
                    return
                }
                logger.info("AlterPartition for \(partition.topicPartition) not accepted: \(ErrorCode(answer.errorCode)); retrying")
            } catch {
                logger.info("AlterPartition for \(partition.topicPartition) failed: \(error); retrying")
            }
            try? await Task.sleep(for: .milliseconds(backoffMs))
        }
    }

    private func wireRequest(_ change: Replication.AlterPartitionRequest, for target: Partition) -> KafkaProtocol.AlterPartitionRequest {
        var partition = KafkaProtocol.AlterPartitionRequest.PartitionData()
        partition.partitionIndex = target.topicPartition.partition
        partition.leaderEpoch = change.leaderEpoch
        partition.partitionEpoch = change.partitionEpoch
        // v3 (KIP-903): members with the broker epochs they fetched in; the controller serves v2-3 only.
        partition.newIsrWithEpochs = change.newIsr.map { .init(brokerId: $0.replica, brokerEpoch: $0.brokerEpoch) }
        var request = KafkaProtocol.AlterPartitionRequest()
        request.brokerId = nodeId
        request.brokerEpoch = metadata.cache.image.brokers[nodeId]?.epoch ?? -1
        request.topics = [.init(topicId: target.topicId, partitions: [partition])]
        return request
    }

    private static func outcome(_ result: KafkaProtocol.AlterPartitionResponse.PartitionData, change: Replication.AlterPartitionRequest)
        -> Replication.AlterPartitionResponse
    {
        guard result.errorCode == 0 else { return .rejected(ReplicationError(rawValue: result.errorCode) ?? .invalidRequest) }
        return .accepted(
            PartitionRegistration(
                leader: result.leaderId, leaderEpoch: result.leaderEpoch, partitionEpoch: result.partitionEpoch, replicas: [],
                isr: Set(result.isr)))
    }
}
