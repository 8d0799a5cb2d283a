import ArgumentParser
import KafkaClient
import KafkaRecords

/// `gregor group describe GROUP...`: per partition the committed offset, the log end offset and the lag,
/// and who consumes it, as `kafka-consumer-groups.sh --describe` shows; then the members and their
/// assignments.
struct GroupDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show a group's offsets, lag, members and assignments.",
        discussion: "Example:\n  gregor group describe dashboard")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The groups.") var groups: [String]

    func run() async throws {
        try await connection.withAdmin { admin in
            for (index, description) in try await admin.describeGroups(groups).enumerated() {
                if index > 0 { print("") }
                try await show(description, admin: admin)
            }
        }
    }

    private func show(_ group: GroupDescription, admin: KafkaAdmin) async throws {
        if let error = group.error { throw CommandFailure(error) }
        let committed = try await admin.listGroupOffsets(group.groupId)
        if group.state == "Dead" && committed.isEmpty { throw CommandFailure("consumer group '\(group.groupId)' does not exist") }
        var owners: [TopicPartition: GroupMemberDescription] = [:]
        for member in group.members { for partition in member.assignment?.partitions ?? [] { owners[partition] = member } }
        let partitions = Set(committed.keys).union(owners.keys).sorted()
        let ends = partitions.isEmpty ? [:] : try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.latest) }))
        let coordinator = group.coordinator.map { " (coordinator: broker \($0.nodeId))" } ?? ""
        print("Consumer group '\(group.groupId)': \(group.state), \(group.members.count) member(s)\(coordinator)")
        if !partitions.isEmpty {
            var table = TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID")
            var totalLag: Int64 = 0
            for partition in partitions {
                let current = committed[partition]?.offset
                let end = try? ends[partition]?.get().offset
                let lag = current.flatMap { current in end.map { max(0, $0 - current) } }
                totalLag += lag ?? 0
                let owner = owners[partition]
                table.add(
                    group.groupId, partition.topic, String(partition.partition), current.map(String.init) ?? "-",
                    end.map(String.init) ?? "-", lag.map(String.init) ?? "-", owner?.memberId ?? "-", owner?.clientHost ?? "-",
                    owner?.clientId ?? "-")
            }
            print(table.rendered)
            print("Total lag: \(totalLag)")
        }
        guard !group.members.isEmpty else { return }
        print("")
        var members = TextTable("CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT")
        for member in group.members {
            let assigned = member.assignment?.partitions.sorted() ?? []
            members.add(
                member.memberId, member.clientHost, member.clientId, String(assigned.count),
                assigned.isEmpty ? "-" : assigned.map(\.description).joined(separator: ","))
        }
        print(members.rendered)
    }
}
