import ArgumentParser

/// `gregor group`: consumer groups through Kafka's admin APIs, like `kafka-consumer-groups.sh`.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "List, describe, reset the offsets of, and delete consumer groups.",
        subcommands: [GroupList.self, GroupDescribe.self, GroupResetOffsets.self, GroupDelete.self])
}
