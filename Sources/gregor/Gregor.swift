import ArgumentParser

/// `gregor`: the one command. Each subcommand lives in its own file and only parses and wires.
@main
struct Gregor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gregor",
        abstract: "A Kafka-compatible broker and toolkit for learning and measuring Kafka.",
        discussion: """
            Start with `gregor playground`, then try `gregor topic list --bootstrap 127.0.0.1:9092`.
            """,
        subcommands: [
            PlaygroundCommand.self, BrokerCommand.self, TopicCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupCommand.self,
            ClusterCommand.self, FaultCommand.self, BenchCommand.self,
        ])
}
