import KafkaProtocol

extension MetadataImage {
    /// The image as the records that rebuild it from nothing: what a metadata snapshot holds (KIP-630),
    /// as Kafka's `MetadataImage.write` emits it. Replaying them into an empty image gives this image
    /// back (with `offset` set by the loader), so a snapshot can replace the log prefix it covers.
    public func snapshotRecords() -> [any KafkaMetadataRecord] {
        var records: [any KafkaMetadataRecord] = []
        for (name, level) in features.sorted(by: { $0.key < $1.key }) {
            records.append(FeatureLevelRecord(name: name, featureLevel: level))
        }
        for broker in brokers.values.sorted(by: { $0.id < $1.id }) {
            var endpoint = RegisterBrokerRecord.BrokerEndpoint()
            endpoint.name = "PLAINTEXT"
            endpoint.host = broker.host
            endpoint.port = UInt16(clamping: broker.port)
            var registration = RegisterBrokerRecord()
            registration.brokerId = broker.id
            registration.incarnationId = broker.incarnationId
            registration.brokerEpoch = broker.epoch
            registration.endPoints = [endpoint]
            registration.rack = broker.rack
            registration.fenced = broker.fenced
            registration.inControlledShutdown = broker.inControlledShutdown
            records.append(registration)
        }
        for topic in topicsByName.values.sorted(by: { $0.name < $1.name }) {
            records.append(TopicRecord(name: topic.name, topicId: topic.id))
            for partition in topic.sortedPartitions {
                var record = PartitionRecord()
                record.partitionId = partition.index
                record.topicId = topic.id
                record.replicas = partition.replicas
                record.isr = partition.isr
                record.leader = partition.leader
                record.leaderEpoch = partition.leaderEpoch
                record.partitionEpoch = partition.partitionEpoch
                records.append(record)
            }
        }
        let resources = configs.keys.sorted { ($0.type, $0.name) < ($1.type, $1.name) }
        for resource in resources {
            for (name, value) in (configs[resource] ?? [:]).sorted(by: { $0.key < $1.key }) {
                records.append(ConfigRecord(resourceType: resource.type, resourceName: resource.name, name: name, value: value))
            }
        }
        if nextProducerId > 0 {
            records.append(ProducerIdsRecord(brokerId: -1, brokerEpoch: -1, nextProducerId: nextProducerId))
        }
        return records
    }

    /// The image a snapshot's records rebuild, as of the last offset the snapshot covers.
    public init(clusterId: String, snapshot records: [any KafkaMetadataRecord], lastOffset: Int64) {
        self.init(clusterId: clusterId)
        for record in records { apply(record, offset: lastOffset) }
        offset = lastOffset
    }
}
