import ArgumentParser

/// `gregor topic`: create, list, describe, delete and alter topics through Kafka's admin APIs, so it
/// works against any Kafka-compatible cluster.
struct TopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic",
        abstract: "Create, list, describe, delete and alter topics.",
        subcommands: [TopicCreate.self, TopicList.self, TopicDescribe.self, TopicDelete.self, TopicAlter.self])
}
