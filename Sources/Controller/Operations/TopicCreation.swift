import KafkaProtocol

extension ControllerStateMachine {
    /// CreateTopics: validates each topic (name, partitions, replication factor, assignments, configs)
    /// and returns the TopicRecord, PartitionRecords and ConfigRecords of those that pass. A topic's
    /// failure doesn't affect the others, as in Kafka. With `validateOnly` no records are returned.
    public func createTopics(_ request: CreateTopicsRequest, topicIds: () -> KafkaUUID = { KafkaUUID.random() })
        -> ControllerResult<CreateTopicsResponse>
    {
        var response = CreateTopicsResponse()
        var records: [any KafkaMetadataRecord] = []
        var creating = image
        let names = request.topics.map(\.name)
        for topic in request.topics {
            var result = CreateTopicsResponse.CreatableTopicResult(name: topic.name)
            if names.filter({ $0 == topic.name }).count > 1 {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Duplicate topic name \(topic.name) in the request."
                response.topics.append(result)
                continue
            }
            do throws(ControllerError) {
                let id = topicIds()
                let topicRecords = try plan(topic, id: id, in: creating)
                for record in topicRecords { creating.apply(record, offset: creating.offset) }
                if !request.validateOnly { records += topicRecords }
                result = describeCreated(topic.name, id: id, image: creating)
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.topics.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    /// The records that create one topic, or why it can't be created.
    private func plan(_ topic: CreateTopicsRequest.CreatableTopic, id: KafkaUUID, in image: MetadataImage) throws(ControllerError)
        -> [any KafkaMetadataRecord]
    {
        if let problem = TopicNames.problem(with: topic.name) { throw ControllerError(.invalidTopicException, problem) }
        if image.topicsByName[topic.name] != nil {
            throw ControllerError(.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
        }
        let key = TopicNames.collisionKey(topic.name)
        if let other = image.topicsByName.keys.first(where: { TopicNames.collisionKey($0) == key }) {
            throw ControllerError(.invalidTopicException, "Topic '\(topic.name)' collides with existing topic: \(other)")
        }
        for config in topic.configs {
            if let problem = TopicConfigCatalog.validate(name: config.name, value: config.value) {
                throw ControllerError(.invalidConfig, problem)
            }
        }
        let assignments = try replicaAssignments(topic, image: image)
        var records: [any KafkaMetadataRecord] = [TopicRecord(name: topic.name, topicId: id)]
        for (index, replicas) in assignments.enumerated() {
            records.append(partitionRecord(topicId: id, index: Int32(index), replicas: replicas, image: image))
        }
        for config in topic.configs where config.value != nil {
            records.append(ConfigRecord(resourceType: ConfigResource.topicType, resourceName: topic.name, name: config.name, value: config.value))
        }
        return records
    }

    /// Replicas per partition: the request's manual assignment, or placed on live brokers.
    private func replicaAssignments(_ topic: CreateTopicsRequest.CreatableTopic, image: MetadataImage) throws(ControllerError) -> [[Int32]] {
        let live = image.liveBrokers.map(\.id)
        if !topic.assignments.isEmpty {
            guard topic.numPartitions == -1, topic.replicationFactor == -1 else {
                throw ControllerError(.invalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.")
            }
            let sorted = topic.assignments.sorted { $0.partitionIndex < $1.partitionIndex }
            guard sorted.map(\.partitionIndex) == Array(0..<Int32(sorted.count)) else {
                throw ControllerError(.invalidReplicaAssignment, "Partitions should be numbered consecutively from 0.")
            }
            return try sorted.map { assignment throws(ControllerError) in
                try checkManual(assignment.brokerIds, image: image)
                return assignment.brokerIds
            }
        }
        let partitions = topic.numPartitions == -1 ? Int32(configs.brokerValue("num.partitions") ?? "1") ?? 1 : topic.numPartitions
        let factor = topic.replicationFactor == -1
            ? Int16(configs.brokerValue("default.replication.factor") ?? "1") ?? 1 : topic.replicationFactor
        guard partitions > 0 else { throw ControllerError(.invalidPartitions, "Number of partitions was set to an invalid non-positive value.") }
        guard factor > 0 else {
            throw ControllerError(.invalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")
        }
        guard Int(factor) <= live.count else {
            throw ControllerError(.invalidReplicationFactor, "Unable to replicate the partition \(factor) time(s): The target replication factor of \(factor) cannot be reached because only \(live.count) broker(s) are registered.")
        }
        let placement = ReplicaPlacement(brokers: live, seed: placementSeed &+ UInt64(image.topicsByName.count))
        return placement.assign(partitions: Int(partitions), replicationFactor: Int(factor))
    }

    /// A manual replica list must name distinct, registered brokers.
    func checkManual(_ replicas: [Int32], image: MetadataImage) throws(ControllerError) {
        guard !replicas.isEmpty else { throw ControllerError(.invalidReplicaAssignment, "The manual partition assignment includes an empty replica list.") }
        guard Set(replicas).count == replicas.count else {
            throw ControllerError(.invalidReplicaAssignment, "The manual partition assignment includes duplicate replicas: \(replicas)")
        }
        for broker in replicas where image.brokers[broker] == nil {
            throw ControllerError(.invalidReplicaAssignment, "The manual partition assignment includes broker \(broker), but no such broker is registered.")
        }
    }

    /// A new partition: the first live replica leads, live replicas form the ISR, epochs start at 0.
    func partitionRecord(topicId: KafkaUUID, index: Int32, replicas: [Int32], image: MetadataImage) -> PartitionRecord {
        let live = Set(image.liveBrokers.map(\.id))
        let isr = replicas.filter { live.contains($0) }
        var record = PartitionRecord()
        record.partitionId = index
        record.topicId = topicId
        record.replicas = replicas
        record.isr = isr
        record.leader = isr.first ?? -1
        record.leaderEpoch = 0
        record.partitionEpoch = 0
        return record
    }

    /// The CreateTopics answer for a topic that now exists in `image`.
    private func describeCreated(_ name: String, id: KafkaUUID, image: MetadataImage) -> CreateTopicsResponse.CreatableTopicResult {
        var result = CreateTopicsResponse.CreatableTopicResult(name: name, topicId: id)
        result.errorMessage = nil
        let partitions = image.topicsByName[name]?.sortedPartitions ?? []
        result.numPartitions = Int32(partitions.count)
        result.replicationFactor = Int16(partitions.first?.replicas.count ?? 0)
        let resolver = ConfigResolver(nodeId: nodeId, staticBrokerConfigs: staticBrokerConfigs, image: image)
        result.configs = resolver.resolvedTopicConfigs(name).map { config in
            CreateTopicsResponse.CreatableTopicConfigs(
                name: config.name, value: config.value, readOnly: config.isReadOnly, configSource: config.source.rawValue,
                isSensitive: false)
        }
        return result
    }
}
