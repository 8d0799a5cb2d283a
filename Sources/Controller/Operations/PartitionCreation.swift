import KafkaProtocol

extension ControllerStateMachine {
    /// CreatePartitions: grows topics to `count` partitions (never shrinks), with manual or placed replicas.
    public func createPartitions(_ request: CreatePartitionsRequest) -> ControllerResult<CreatePartitionsResponse> {
        var response = CreatePartitionsResponse()
        var records: [any KafkaMetadataRecord] = []
        for topic in request.topics {
            var result = CreatePartitionsResponse.CreatePartitionsTopicResult(name: topic.name)
            do throws(ControllerError) {
                let planned = try plan(topic)
                if !request.validateOnly { records += planned }
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.results.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    private func plan(_ request: CreatePartitionsRequest.CreatePartitionsTopic) throws(ControllerError) -> [any KafkaMetadataRecord] {
        guard let topic = image.topic(named: request.name) else {
            throw ControllerError(.unknownTopicOrPartition, "This server does not host this topic-partition.")
        }
        let current = Int32(topic.partitions.count)
        guard request.count > current else {
            let relation = request.count == current ? "equal to" : "higher than"
            throw ControllerError(
                .invalidPartitions, "Topic currently has \(current) partitions, which is \(relation) the requested \(request.count).")
        }
        let adding = Int(request.count - current)
        let factor = topic.partitions[0]?.replicas.count ?? 1
        let assignments: [[Int32]]
        if let manual = request.assignments {
            guard manual.count == adding else {
                throw ControllerError(
                    .invalidReplicaAssignment, "Attempted to add \(adding) additional partition(s), but only \(manual.count) assignment(s) were specified.")
            }
            for assignment in manual { try checkManual(assignment.brokerIds, image: image) }
            assignments = manual.map(\.brokerIds)
        } else {
            let live = image.liveBrokers.map(\.id)
            guard factor <= live.count else {
                throw ControllerError(.invalidReplicationFactor, "Unable to replicate the partition \(factor) time(s): only \(live.count) broker(s) are registered.")
            }
            assignments = ReplicaPlacement(brokers: live, seed: placementSeed &+ UInt64(current))
                .assign(partitions: adding, startingAt: Int(current), replicationFactor: factor)
        }
        return assignments.enumerated().map { offset, replicas in
            partitionRecord(topicId: topic.id, index: current + Int32(offset), replicas: replicas, image: image)
        }
    }
}
