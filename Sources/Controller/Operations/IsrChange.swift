import KafkaProtocol

extension ControllerStateMachine {
    /// AlterPartition (KIP-497): a partition leader proposes a new ISR. Accepted only from the current
    /// leader (else NOT_LEADER_OR_FOLLOWER) in its leader epoch (else FENCED_LEADER_EPOCH) and at the
    /// current partition epoch (else INVALID_UPDATE_VERSION), with every member a replica that is
    /// registered, not fenced, not shutting down (KIP-841), and — when the leader sent broker epochs
    /// (v3, KIP-903) — still in the incarnation that fetched (else INELIGIBLE_REPLICA). The answer
    /// carries the partition's new state.
    public func alterPartition(_ request: AlterPartitionRequest, version: Int16) -> ControllerResult<AlterPartitionResponse> {
        var response = AlterPartitionResponse()
        var records: [any KafkaMetadataRecord] = []
        guard let broker = image.brokers[request.brokerId], request.brokerEpoch == -1 || broker.epoch == request.brokerEpoch else {
            response.errorCode = ErrorCode.staleBrokerEpoch.rawValue
            return ControllerResult(response: response)
        }
        for topic in request.topics {
            let topicImage = version >= 2 ? image.topicsByName[image.topicNamesById[topic.topicId] ?? ""] : image.topicsByName[topic.topicName]
            var answer = AlterPartitionResponse.TopicData(topicName: version >= 2 ? "" : topic.topicName, topicId: topic.topicId)
            for partition in topic.partitions {
                var result = AlterPartitionResponse.PartitionData(partitionIndex: partition.partitionIndex)
                guard let topicImage, let current = topicImage.partitions[partition.partitionIndex] else {
                    result.errorCode = (version >= 2 ? ErrorCode.unknownTopicId : .unknownTopicOrPartition).rawValue
                    answer.partitions.append(result)
                    continue
                }
                let members = version >= 3 ? partition.newIsrWithEpochs.map { ($0.brokerId, $0.brokerEpoch) } : partition.newIsr.map { ($0, Int64(-1)) }
                if let refusal = isrRefusal(request.brokerId, partition, members: members, current: current) {
                    result.errorCode = refusal.rawValue
                } else {
                    var change = PartitionChangeRecord()
                    change.topicId = topicImage.id
                    change.partitionId = partition.partitionIndex
                    let newIsr = members.map(\.0)
                    if newIsr.sorted() != current.isr.sorted() {
                        change.isr = newIsr
                        records.append(change)
                    }
                    result.leaderId = current.leader
                    result.leaderEpoch = current.leaderEpoch
                    result.isr = newIsr
                    result.partitionEpoch = current.partitionEpoch + (change.isr == nil ? 0 : 1)
                }
                answer.partitions.append(result)
            }
            response.topics.append(answer)
        }
        return ControllerResult(records: records, response: response)
    }

    private func isrRefusal(
        _ leader: Int32, _ partition: AlterPartitionRequest.PartitionData, members: [(Int32, Int64)], current: PartitionImage
    ) -> ErrorCode? {
        guard current.leader == leader else { return .notLeaderOrFollower }
        guard partition.leaderEpoch == current.leaderEpoch else { return .fencedLeaderEpoch }
        guard partition.partitionEpoch == current.partitionEpoch else { return .invalidUpdateVersion }
        guard !members.isEmpty, members.contains(where: { $0.0 == leader }) else { return .invalidRequest }
        for (member, epoch) in members where member != leader {
            // KIP-841: a fenced broker, or one shutting down, may not join an ISR.
            guard current.replicas.contains(member), let broker = image.brokers[member], !broker.fenced,
                !broker.inControlledShutdown, epoch == -1 || broker.epoch == epoch
            else { return .ineligibleReplica }
        }
        return nil
    }
}
