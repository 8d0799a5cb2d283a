import ArgumentParser
import KafkaClient
import KafkaRecords

/// `gregor topic describe NAME...`: partitions with leader, replicas and ISR (as kafka-topics.sh
/// --describe prints them), each partition's log start and end offsets, and the configs that differ
/// from the defaults.
struct TopicDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Describe topics: partitions, leaders, replicas, ISR, offsets, configs.",
        discussion: "Example:\n  gregor topic describe orders")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Topics to describe (default: all).") var names: [String] = []

    func run() async throws {
        try await connection.withAdmin { admin in
            let names = self.names.isEmpty ? try await admin.listTopics().map(\.name) : self.names
            let topics = try await admin.describeTopics(names)
            var first = true
            for topic in topics {
                if !first { print("") }
                first = false
                try await describe(topic, admin: admin)
            }
        }
    }

    private func describe(_ topic: TopicMetadata, admin: KafkaAdmin) async throws {
        guard topic.error == .noError else { throw CommandFailure("topic '\(topic.name)': \(topic.error.name): \(topic.error.message)") }
        let configs = try await admin.describeConfigs([.topic(topic.name)], includeSynonyms: false).first
        let overrides = (configs?.entries ?? []).filter { $0.source == .dynamicTopicConfig }
            .map { "\($0.name)=\($0.value ?? "null")" }.sorted()
        let partitions = topic.partitions.map { TopicPartition(topic.name, $0.partition) }
        let starts = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.earliest) }))
        let ends = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.latest) }))
        print(
            "Topic: \(topic.name)\tTopicId: \(topic.id)\tPartitionCount: \(topic.partitions.count)"
                + "\tReplicationFactor: \(topic.partitions.first?.replicas.count ?? 0)\tConfigs: \(overrides.joined(separator: ","))")
        var table = TextTable("PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "LOG-START-OFFSET", "LOG-END-OFFSET")
        for partition in topic.partitions {
            let tp = TopicPartition(topic.name, partition.partition)
            table.add(
                String(partition.partition), partition.leader < 0 ? "none" : String(partition.leader), String(partition.leaderEpoch),
                partition.replicas.map(String.init).joined(separator: ","), partition.isr.map(String.init).joined(separator: ","),
                Self.offset(starts[tp]), Self.offset(ends[tp]))
        }
        print(table.rendered)
    }

    private static func offset(_ result: Result<ListedOffset, KafkaClientError>?) -> String {
        switch result {
        case .success(let listed)?: String(listed.offset)
        case .failure(let error)?: error.brokerError?.name ?? "error"
        case nil: "-"
        }
    }
}
