import ArgumentParser
import Foundation
import KafkaClient
import KafkaRecords

/// `gregor group reset-offsets GROUP`: moves an inactive group's committed offsets, as
/// `kafka-consumer-groups.sh --reset-offsets` does — a dry run unless `--execute`.
struct GroupResetOffsets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-offsets", abstract: "Reset an inactive group's committed offsets (a dry run unless --execute).",
        discussion: """
            Examples:
              gregor group reset-offsets dashboard --topic orders --to-earliest
              gregor group reset-offsets dashboard --topic orders --shift-by -100 --execute
              gregor group reset-offsets dashboard --all-topics --to-datetime 2026-11-21T10:00:00Z --execute
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The group.") var group: String
    @Option(name: .customLong("topic"), help: "A topic to reset (repeatable), or TOPIC:PARTITION[,PARTITION...].") var topics: [String] = []
    @Flag(name: .long, help: "Every topic the group has offsets for.") var allTopics = false
    @Flag(name: .long, help: "To the log start offset.") var toEarliest = false
    @Flag(name: .long, help: "To the log end offset.") var toLatest = false
    @Option(name: .long, help: "To this offset.") var toOffset: Int64?
    @Option(name: .long, help: "To the first offset at or after this ISO-8601 time.") var toDatetime: String?
    @Option(name: .long, parsing: .unconditional, help: "Move by this many offsets (negative: back).") var shiftBy: Int64?
    @Flag(name: .long, help: "Commit the new offsets (without it, only show them).") var execute = false

    func validate() throws {
        let targets = [toEarliest, toLatest, toOffset != nil, toDatetime != nil, shiftBy != nil].filter { $0 }.count
        guard targets == 1 else { throw CommandFailure("give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by") }
        guard allTopics || !topics.isEmpty else { throw CommandFailure("give --topic TOPIC or --all-topics") }
    }

    func run() async throws {
        try await connection.withAdmin { admin in
            guard let description = try await admin.describeGroups([group]).first else { throw CommandFailure("no answer for group '\(group)'") }
            if let error = description.error { throw CommandFailure(error) }
            guard description.state == "Empty" || description.state == "Dead" else {
                throw CommandFailure("offsets can only be reset while group '\(group)' is inactive, but it is \(description.state)")
            }
            let committed = try await admin.listGroupOffsets(group)
            let partitions = try await selectedPartitions(admin: admin, committed: committed)
            guard !partitions.isEmpty else { throw CommandFailure("no partitions to reset") }
            let targets = try await newOffsets(for: partitions, committed: committed, admin: admin)
            var table = TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET")
            for partition in partitions {
                table.add(group, partition.topic, String(partition.partition), committed[partition].map { String($0.offset) } ?? "-", String(targets[partition]!))
            }
            print(table.rendered)
            guard execute else {
                print("(dry run: nothing changed; add --execute to commit these offsets)")
                return
            }
            let results = try await admin.alterGroupOffsets(group, offsets: targets.mapValues { OffsetAndMetadata(offset: $0) })
            if let failure = results.values.first { throw CommandFailure(failure) }
            print("Committed \(targets.count) offset(s) for group '\(group)'.")
        }
    }

    private func selectedPartitions(admin: KafkaAdmin, committed: [TopicPartition: OffsetAndMetadata]) async throws -> [TopicPartition] {
        if allTopics { return committed.keys.sorted() }
        var result: [TopicPartition] = []
        for spec in topics {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                result += try parts[1].split(separator: ",").map {
                    guard let index = Int32($0) else { throw CommandFailure("bad partition '\($0)' in --topic \(spec)") }
                    return TopicPartition(parts[0], index)
                }
            } else {
                guard let topic = try await admin.describeTopics([spec]).first, topic.error == .noError else {
                    throw CommandFailure("topic '\(spec)' does not exist")
                }
                result += topic.partitions.map { TopicPartition(spec, $0.partition) }
            }
        }
        return result.sorted()
    }

    /// The new offset of each partition, kept within [log start, log end] as Kafka's tool does.
    private func newOffsets(for partitions: [TopicPartition], committed: [TopicPartition: OffsetAndMetadata], admin: KafkaAdmin)
        async throws -> [TopicPartition: Int64]
    {
        func lookup(_ spec: OffsetSpec) async throws -> [TopicPartition: Int64] {
            let answers = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, spec) }))
            return try answers.mapValues { try $0.get().offset }
        }
        let earliest = try await lookup(.earliest)
        let latest = try await lookup(.latest)
        var wanted: [TopicPartition: Int64] = [:]
        if toEarliest { wanted = earliest }
        if toLatest { wanted = latest }
        if let toOffset { for partition in partitions { wanted[partition] = toOffset } }
        if let shiftBy {
            for partition in partitions { wanted[partition] = (committed[partition]?.offset ?? latest[partition] ?? 0) + shiftBy }
        }
        if let toDatetime {
            guard let date = ISO8601DateFormatter().date(from: toDatetime) else { throw CommandFailure("--to-datetime expects an ISO-8601 time, not '\(toDatetime)'") }
            let byTime = try await lookup(.timestamp(Int64(date.timeIntervalSince1970 * 1000)))
            for partition in partitions { wanted[partition] = byTime[partition].flatMap { $0 < 0 ? nil : $0 } ?? latest[partition] }
        }
        var clamped: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let low = earliest[partition] ?? 0
            let high = latest[partition] ?? low
            clamped[partition] = min(max(wanted[partition] ?? low, low), high)
        }
        return clamped
    }
}
