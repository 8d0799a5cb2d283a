import ArgumentParser
import KafkaClient

/// `gregor topic delete NAME...`.
struct TopicDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete topics and their data.", discussion: "Example:\n  gregor topic delete orders")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Topics to delete.") var names: [String]
    @Flag(name: .long, help: "Succeed when a topic does not exist.") var ifExists = false

    func run() async throws {
        let results = try await connection.withAdmin { try await $0.deleteTopics(names) }
        for result in results {
            if let error = result.error {
                if ifExists, error.brokerError == .unknownTopicOrPartition { continue }
                throw CommandFailure(error)
            }
            print("Deleted topic \(result.name).")
        }
    }
}
