import KafkaProtocol

extension ControllerStateMachine {
    /// ElectLeaders (KIP-460): electionType 0 moves leadership back to each partition's preferred
    /// replica (the first of its replicas) when that replica is in the ISR and may lead; 1 elects a
    /// leader for partitions that have none, from outside the ISR if need be (unclean; writes can be
    /// lost). Null topic partitions mean every partition, and then partitions that need no election are
    /// left out of the answer, as Kafka does.
    public func electLeaders(_ request: ElectLeadersRequest, version: Int16) -> ControllerResult<ElectLeadersResponse> {
        var response = ElectLeadersResponse()
        var records: [any KafkaMetadataRecord] = []
        let unclean = version >= 1 && request.electionType == 1
        guard version == 0 || (0...1).contains(request.electionType) else {
            response.errorCode = ErrorCode.invalidRequest.rawValue
            return ControllerResult(response: response)
        }
        let all = request.topicPartitions == nil
        let targets: [(String, [Int32])] =
            request.topicPartitions?.map { ($0.topic, $0.partitions) }
            ?? image.topicsByName.values.sorted { $0.name < $1.name }.map { ($0.name, $0.sortedPartitions.map(\.index)) }
        for (topic, partitions) in targets {
            var result = ElectLeadersResponse.ReplicaElectionResult(topic: topic)
            for partition in partitions {
                var outcome = ElectLeadersResponse.PartitionResult(partitionId: partition)
                outcome.errorMessage = nil
                do throws(ControllerError) {
                    records.append(try election(topic, partition, unclean: unclean))
                } catch {
                    if all && error.code == .electionNotNeeded { continue }
                    outcome.errorCode = error.code.rawValue
                    outcome.errorMessage = error.message
                }
                result.partitionResult.append(outcome)
            }
            response.replicaElectionResults.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    /// Kafka's `ReplicationControlManager.electLeader`.
    private func election(_ topicName: String, _ index: Int32, unclean: Bool) throws(ControllerError) -> PartitionChangeRecord {
        guard let topic = image.topic(named: topicName), let partition = topic.partitions[index] else {
            throw ControllerError(.unknownTopicOrPartition, "No such partition as \(topicName)-\(index).")
        }
        let needed = unclean ? partition.leader == PartitionChange.noLeader : partition.leader != partition.replicas.first
        guard needed else { throw ControllerError(.electionNotNeeded, "Leader election not needed for topic partition.") }
        var change = PartitionChange(topicId: topic.id, partitionId: index, partition: partition, mayLead: isActive)
        change.election = unclean ? .unclean : .preferred
        guard let record = change.build() else {
            throw unclean
                ? ControllerError(.eligibleLeadersNotAvailable, "No replica of \(topicName)-\(index) is alive to lead it.")
                : ControllerError(.preferredLeaderNotAvailable, "The preferred leader of \(topicName)-\(index) is not in the ISR or not alive.")
        }
        return record
    }
}
