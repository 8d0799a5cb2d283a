import ArgumentParser
import KafkaClient

/// `gregor group list`.
struct GroupList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List consumer groups and their states.",
        discussion: "Example:\n  gregor group list --state Stable")

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("state"), help: "Only groups in this state (Empty, Stable, PreparingRebalance, ...; repeatable).")
    var states: [String] = []

    func run() async throws {
        let groups = try await connection.withAdmin { try await $0.listGroups(states: states) }
        var table = TextTable("GROUP", "STATE", "PROTOCOL-TYPE", "COORDINATOR")
        for group in groups.sorted(by: { $0.groupId < $1.groupId }) {
            table.add(group.groupId, group.state ?? "-", group.protocolType.isEmpty ? "-" : group.protocolType, String(group.coordinatorId))
        }
        print(groups.isEmpty ? "No consumer groups." : table.rendered)
    }
}
