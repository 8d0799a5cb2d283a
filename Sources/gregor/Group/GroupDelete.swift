import ArgumentParser
import KafkaClient
import KafkaRecords

/// `gregor group delete GROUP...`: deletes inactive groups with their offsets; with `--topic`, deletes
/// only one group's offsets of those topics (OffsetDelete).
struct GroupDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete inactive consumer groups, or a group's offsets of some topics.",
        discussion: """
            Examples:
              gregor group delete old-dashboard
              gregor group delete dashboard --topic retired-topic
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The groups.") var groups: [String]
    @Option(name: .customLong("topic"), help: "Delete only the offsets of this topic (repeatable; one group).") var topics: [String] = []

    func run() async throws {
        try await connection.withAdmin { admin in
            if !topics.isEmpty {
                guard groups.count == 1 else { throw CommandFailure("--topic deletes the offsets of one group at a time") }
                let committed = try await admin.listGroupOffsets(groups[0])
                let partitions = committed.keys.filter { topics.contains($0.topic) }.sorted()
                guard !partitions.isEmpty else { throw CommandFailure("group '\(groups[0])' has no offsets for \(topics.joined(separator: ", "))") }
                let failures = try await admin.deleteGroupOffsets(groups[0], partitions: partitions)
                if let failure = failures.values.first { throw CommandFailure(failure) }
                print("Deleted the offsets of \(partitions.count) partition(s) from group '\(groups[0])'.")
                return
            }
            for result in try await admin.deleteGroups(groups) {
                if let error = result.error { throw CommandFailure(error) }
                print("Deleted consumer group '\(result.name)'.")
            }
        }
    }
}
