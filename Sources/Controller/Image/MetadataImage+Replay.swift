import KafkaProtocol

extension MetadataImage {
    /// Applies one committed record, as every broker does when it replays the metadata log.
    /// Records about unknown topics or brokers are ignored, as Kafka's image builders do.
    public mutating func apply(_ record: any KafkaMetadataRecord, offset: Int64) {
        switch record {
        case let topic as TopicRecord:
            topicsByName[topic.name] = TopicImage(name: topic.name, id: topic.topicId)
            topicNamesById[topic.topicId] = topic.name
        case let partition as PartitionRecord:
            guard let name = topicNamesById[partition.topicId] else { break }
            topicsByName[name]?.partitions[partition.partitionId] = PartitionImage(
                index: partition.partitionId, replicas: partition.replicas, isr: partition.isr,
                leader: partition.leader, leaderEpoch: partition.leaderEpoch, partitionEpoch: partition.partitionEpoch)
        case let change as PartitionChangeRecord:
            applyPartitionChange(change)
        case let removal as RemoveTopicRecord:
            guard let name = topicNamesById.removeValue(forKey: removal.topicId) else { break }
            topicsByName[name] = nil
            configs[.topic(name)] = nil
        case let config as ConfigRecord:
            guard let resource = ConfigResource(type: config.resourceType, name: config.resourceName) else { break }
            var values = configs[resource] ?? [:]
            values[config.name] = config.value
            configs[resource] = values.isEmpty ? nil : values
        case let registration as RegisterBrokerRecord:
            let endpoint = registration.endPoints.first
            brokers[registration.brokerId] = BrokerRegistration(
                id: registration.brokerId, epoch: registration.brokerEpoch, incarnationId: registration.incarnationId,
                host: endpoint?.host ?? "", port: Int32(endpoint?.port ?? 0), rack: registration.rack,
                fenced: registration.fenced, inControlledShutdown: registration.inControlledShutdown)
        case let unfence as UnfenceBrokerRecord:
            if brokers[unfence.id]?.epoch == unfence.epoch { brokers[unfence.id]?.fenced = false }
        case let fence as FenceBrokerRecord:
            if brokers[fence.id]?.epoch == fence.epoch { brokers[fence.id]?.fenced = true }
        case let change as BrokerRegistrationChangeRecord:
            guard brokers[change.brokerId]?.epoch == change.brokerEpoch else { break }
            // Kafka's BrokerRegistrationFencingChange: 1 fences, -1 unfences, 0 leaves it.
            if change.fenced != 0 { brokers[change.brokerId]?.fenced = change.fenced == 1 }
            if change.inControlledShutdown == 1 { brokers[change.brokerId]?.inControlledShutdown = true }
        case let unregister as UnregisterBrokerRecord:
            if brokers[unregister.brokerId]?.epoch == unregister.brokerEpoch { brokers[unregister.brokerId] = nil }
        case let producerIds as ProducerIdsRecord:
            nextProducerId = max(nextProducerId, producerIds.nextProducerId)
        case let feature as FeatureLevelRecord:
            features[feature.name] = feature.featureLevel
        default:
            break
        }
        self.offset = offset
    }

    /// A partition change names only what changed: -2 leader = unchanged, nil arrays = unchanged.
    private mutating func applyPartitionChange(_ change: PartitionChangeRecord) {
        guard let name = topicNamesById[change.topicId], var partition = topicsByName[name]?.partitions[change.partitionId]
        else { return }
        if let isr = change.isr { partition.isr = isr }
        if let replicas = change.replicas { partition.replicas = replicas }
        if change.leader != -2 {
            partition.leader = change.leader
            partition.leaderEpoch += 1
        }
        partition.partitionEpoch += 1
        topicsByName[name]?.partitions[change.partitionId] = partition
    }
}
