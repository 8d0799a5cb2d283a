import ArgumentParser
import KafkaClient

/// `gregor topic list`.
struct TopicList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List topics.", discussion: "Example:\n  gregor topic list --bootstrap 127.0.0.1:9092")

    @OptionGroup var connection: ConnectionOptions
    @Flag(name: .customLong("internal"), help: "Include internal topics (__consumer_offsets, ...).") var includeInternal = false

    func run() async throws {
        let topics = try await connection.withAdmin { try await $0.listTopics(includeInternal: includeInternal) }
        for topic in topics { print(topic.name) }
    }
}
