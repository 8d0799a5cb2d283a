import ArgumentParser
import KafkaClient

/// `gregor topic create NAME`.
struct TopicCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a topic.",
        discussion: """
            Example:
              gregor topic create orders --partitions 6 --config retention.ms=3600000
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The topic's name.") var name: String
    @Option(name: .long, help: "Number of partitions (default: the broker's num.partitions).") var partitions: Int32 = -1
    @Option(name: .long, help: "Replication factor (default: the broker's default.replication.factor).") var replicationFactor: Int16 = -1
    @Option(name: .customLong("config"), help: "A topic config, key=value (repeatable).") var configs: [String] = []
    @Flag(name: .long, help: "Succeed without changes when the topic exists.") var ifNotExists = false
    @Flag(name: .long, help: "Only check that the topic could be created.") var validateOnly = false

    func run() async throws {
        var parsed: [String: String] = [:]
        for config in configs {
            let (key, value) = try KeyValue.parse(config, option: "--config")
            parsed[key] = value
        }
        let topic = NewTopic(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: parsed)
        let result = try await connection.withAdmin { try await $0.createTopics([topic], validateOnly: validateOnly) }
        guard let created = result.first else { throw CommandFailure("the broker gave no answer for '\(name)'") }
        if let error = created.error {
            if ifNotExists, error.brokerError == .topicAlreadyExists {
                print("Topic \(name) already exists.")
                return
            }
            throw CommandFailure(error)
        }
        let verb = validateOnly ? "Would create" : "Created"
        print("\(verb) topic \(name) with \(created.partitions) partition(s), replication factor \(created.replicationFactor).")
    }
}
