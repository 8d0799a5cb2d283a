import ArgumentParser
import KafkaClient

/// `gregor topic alter NAME`: more partitions, and config changes (IncrementalAlterConfigs).
struct TopicAlter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alter", abstract: "Add partitions to a topic or change its configs.",
        discussion: """
            Examples:
              gregor topic alter orders --partitions 12
              gregor topic alter orders --set retention.ms=60000 --delete segment.bytes
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The topic.") var name: String
    @Option(name: .long, help: "The new total number of partitions (only grows).") var partitions: Int32?
    @Option(name: .customLong("set"), help: "Set a topic config, key=value (repeatable).") var sets: [String] = []
    @Option(name: .customLong("delete"), help: "Remove a topic config, back to its default (repeatable).") var deletes: [String] = []

    func validate() throws {
        guard partitions != nil || !sets.isEmpty || !deletes.isEmpty else {
            throw CommandFailure("nothing to change: give --partitions, --set or --delete")
        }
    }

    func run() async throws {
        var changes: [AlterConfigOp] = deletes.map { .delete($0) }
        for set in sets {
            let (key, value) = try KeyValue.parse(set, option: "--set")
            changes.append(.set(key, value))
        }
        try await connection.withAdmin { admin in
            if let partitions {
                if let error = try await admin.createPartitions([name: partitions]).first?.error { throw CommandFailure(error) }
                print("Topic \(name) now has \(partitions) partitions.")
            }
            if !changes.isEmpty {
                if let error = try await admin.incrementalAlterConfigs([.topic(name): changes]).first?.error { throw CommandFailure(error) }
                print("Updated \(changes.count) config(s) of topic \(name).")
            }
        }
    }
}
