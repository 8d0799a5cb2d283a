import KafkaClient

/// The bench's topic: created with the requested partitions, replication factor and configs, or an
/// existing one used as it is. Waits until every partition has a leader.
public struct TopicSetup: Sendable {
    public var topic: String
    /// -1: the broker's `num.partitions`.
    public var partitions: Int32 = -1
    /// -1: the broker's `default.replication.factor`.
    public var replicationFactor: Int16 = -1
    public var configs: [String: String] = [:]

    public init(topic: String) {
        self.topic = topic
    }

    /// What the bench runs against.
    public struct Outcome: Sendable {
        public var created: Bool
        public var partitions: Int
        public var replicationFactor: Int

        public var description: String {
            "\(created ? "created" : "using existing") topic with \(partitions) partition(s), replication factor \(replicationFactor)"
        }
    }

    /// Retriable refusals (NOT_CONTROLLER while the metadata quorum elects a leader, as after a healed
    /// partition) are retried until `timeout`, as Kafka's AdminClient does.
    public func ensure(_ admin: KafkaAdmin, timeout: Duration = .seconds(60)) async throws -> Outcome {
        var created = false
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let existing = try await admin.describeTopics([topic]).first
        if existing?.error != .noError || existing?.partitions.isEmpty != false {
            while true {
                let results = try await admin.createTopics(
                    [NewTopic(name: topic, partitions: partitions, replicationFactor: replicationFactor, configs: configs)])
                guard let error = results.first?.error, error.brokerError != .topicAlreadyExists else {
                    created = results.first?.error == nil
                    break
                }
                guard error.brokerError?.isRetriable == true, clock.now < deadline else {
                    throw BenchError("cannot create topic '\(topic)': \(error.message)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        while true {
            let described = try await admin.describeTopics([topic]).first
            if let described, described.error == .noError, !described.partitions.isEmpty, described.partitions.allSatisfy(\.hasLeader) {
                return Outcome(created: created, partitions: described.partitions.count, replicationFactor: described.partitions[0].replicas.count)
            }
            guard clock.now < deadline else { throw BenchError("topic '\(topic)' has partitions without a leader after \(timeout)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
