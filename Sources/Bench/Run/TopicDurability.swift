import KafkaClient

/// The topic settings that decide what Kafka promises about acknowledged records: replication
/// factor, `min.insync.replicas` and `unclean.leader.election.enable`, read through Kafka APIs.
struct TopicDurability: Sendable {
    var replicationFactor: Int
    var minInsyncReplicas: Int
    var uncleanLeaderElection: Bool

    /// Reads the settings, retrying while the broker asked does not know the topic yet (a broker just
    /// restarted replays the metadata log first): a wrong default here would give a wrong verdict.
    /// A broker that knows the topic but keeps leaving `min.insync.replicas` out of DescribeConfigs
    /// (Tansu does) is taken to use Kafka's default, 1, after `missingConfigGrace`: that promises
    /// nothing, so it can only spare a run the verdict, never fail one wrongly.
    static func describe(
        _ topic: String, admin: KafkaAdmin, timeout: Duration = .seconds(15), missingConfigGrace: Duration = .seconds(2)
    ) async throws -> TopicDurability {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var problem = "no answer"
        var answeredWithoutIt: ContinuousClock.Instant?
        while true {
            do {
                let metadata = try await admin.describeTopics([topic]).first
                let configs = try await admin.describeConfigs([.topic(topic)], includeSynonyms: false).first
                let entries = configs?.entries ?? []
                func value(_ name: String) -> String? { entries.first { $0.name == name }?.value }
                if let error = configs?.error {
                    problem = error.message
                } else if let metadata, metadata.error == .noError, !metadata.partitions.isEmpty,
                    let minInsync = value("min.insync.replicas").flatMap(Int.init)
                {
                    return TopicDurability(
                        replicationFactor: metadata.partitions.map(\.replicas.count).min() ?? 0, minInsyncReplicas: minInsync,
                        uncleanLeaderElection: value("unclean.leader.election.enable") == "true")
                } else if let metadata, metadata.error == .noError, !metadata.partitions.isEmpty, configs != nil {
                    let since = answeredWithoutIt ?? clock.now
                    answeredWithoutIt = since
                    if clock.now - since >= missingConfigGrace {
                        return TopicDurability(
                            replicationFactor: metadata.partitions.map(\.replicas.count).min() ?? 0, minInsyncReplicas: 1,
                            uncleanLeaderElection: value("unclean.leader.election.enable") == "true")
                    }
                    problem = "the broker does not report the topic's min.insync.replicas"
                } else {
                    problem = "the topic or its min.insync.replicas is not known yet"
                }
            } catch let error as KafkaClientError {
                problem = error.message
            }
            guard clock.now < deadline else { throw BenchError("cannot read the configuration of topic '\(topic)': \(problem)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func promise(acks: ProducerConfiguration.Acks, maxConcurrentFailures: Int) -> DurabilityPromise {
        DurabilityPromise(
            acks: acks.rawValue, replicationFactor: replicationFactor, minInsyncReplicas: minInsyncReplicas,
            uncleanLeaderElection: uncleanLeaderElection, maxConcurrentFailures: maxConcurrentFailures)
    }
}
