import KafkaClient

/// The topic settings that decide what Kafka promises about acknowledged records: replication
/// factor, `min.insync.replicas` and `unclean.leader.election.enable`, read through Kafka APIs.
struct TopicDurability: Sendable {
    var replicationFactor: Int
    var minInsyncReplicas: Int
    var uncleanLeaderElection: Bool

    static func describe(_ topic: String, admin: KafkaAdmin) async throws -> TopicDurability {
        let metadata = try await admin.describeTopics([topic]).first
        let factor = metadata?.partitions.map(\.replicas.count).min() ?? 0
        let entries = try await admin.describeConfigs([.topic(topic)], includeSynonyms: false).first?.entries ?? []
        func value(_ name: String) -> String? { entries.first { $0.name == name }?.value }
        return TopicDurability(
            replicationFactor: factor, minInsyncReplicas: Int(value("min.insync.replicas") ?? "1") ?? 1,
            uncleanLeaderElection: value("unclean.leader.election.enable") == "true")
    }

    func promise(acks: ProducerConfiguration.Acks, maxConcurrentFailures: Int) -> DurabilityPromise {
        DurabilityPromise(
            acks: acks.rawValue, replicationFactor: replicationFactor, minInsyncReplicas: minInsyncReplicas,
            uncleanLeaderElection: uncleanLeaderElection, maxConcurrentFailures: maxConcurrentFailures)
    }
}
