import KafkaClient

/// Waits until a client's view of the cluster has the topic with a leader for every partition.
/// Brokers learn new topics by replaying the metadata log, so one just created on the controller
/// can be unknown for a moment to the broker another client asked.
enum TopicWait {
    static func partitions(of topic: String, cluster: ClusterClient, timeout: Duration = .seconds(30)) async throws -> TopicMetadata {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var problem = "it does not exist (create it, or let the bench create it with --partitions)"
        while true {
            do {
                let metadata = try await cluster.refreshMetadata(topics: [topic])
                if let described = metadata.topics[topic], described.error == .noError, !described.partitions.isEmpty {
                    if described.partitions.allSatisfy(\.hasLeader) { return described }
                    problem = "partitions without a leader"
                }
            } catch let error as KafkaClientError {
                problem = error.message
            }
            guard clock.now < deadline else { throw BenchError("topic '\(topic)': \(problem)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
