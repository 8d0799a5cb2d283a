import ArgumentParser
import Foundation
import KafkaClient
import KafkaRecords

/// `gregor consume TOPIC`: prints records from some or all partitions, from the beginning, the end,
/// an offset or a time; or, with `--group`, as a member of a consumer group that commits what it printed.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Print records of a topic.",
        discussion: """
            Examples:
              gregor consume demo --from beginning --exit-at-end
              gregor consume clicks --partition 0 --from 42 --count 10 --format json
              gregor consume clicks --from 2026-11-21T10:00:00Z
              gregor consume orders --group dashboard --from beginning

            With --group, Gregor joins the group (partitions are shared with its other members), prints
            what it receives and commits it; --from then applies where the group has no committed offset.
            Ctrl-C commits, leaves the group and exits.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The topic.") var topic: String
    @Option(name: .customLong("partition"), help: "A partition to read (repeatable; default: all).") var partitions: [Int32] = []
    @Option(name: .long, help: "Where to start: beginning, end, an offset, @MILLISECONDS or an ISO-8601 time.") var from: String = "end"
    @Option(name: .long, help: "Stop after this many records.") var count: Int?
    @Flag(name: .long, help: "Stop at the end of every partition (as kcat -e).") var exitAtEnd = false
    @Option(name: .long, help: "Output: text, json or hex.") var format: String = "text"
    @Flag(name: .long, help: "Print the key before the value (text and hex).") var printKey = false
    @Option(name: .long, help: "Between key and value with --print-key.") var keySeparator: String = "\t"
    @Option(name: .long, help: "Consume as a member of this consumer group (commits what it prints).") var group: String?

    func run() async throws {
        guard let format = RecordFormat(rawValue: format) else { throw CommandFailure("--format must be text, json or hex") }
        let start = try StartPosition(parsing: from)
        if let group {
            guard partitions.isEmpty else { throw CommandFailure("--partition and --group do not go together: the group assigns partitions") }
            return try await GroupConsumer(
                connection: connection, topic: topic, group: group, start: start, format: format, count: count,
                exitAtEnd: exitAtEnd, printKey: printKey, keySeparator: keySeparator
            ).run()
        }
        let consumer = KafkaConsumer(clientConfiguration: try connection.clientConfiguration())
        do {
            try await consume(consumer, start: start, format: format)
        } catch {
            await consumer.close()
            throw connection.failure(error)
        }
        await consumer.close()
    }

    private func consume(_ consumer: KafkaConsumer, start: StartPosition, format: RecordFormat) async throws {
        let metadata = try await consumer.cluster.metadata(for: [topic])
        guard let topicMetadata = metadata.topics[topic], topicMetadata.error == .noError else {
            throw CommandFailure("topic '\(topic)' does not exist")
        }
        let all = topicMetadata.partitions.map(\.partition).sorted()
        if let missing = partitions.first(where: { !all.contains($0) }) {
            throw CommandFailure("topic '\(topic)' has no partition \(missing) (it has \(all.count))")
        }
        let assigned = (partitions.isEmpty ? all : partitions).map { TopicPartition(topic, $0) }
        await consumer.assign(assigned)
        switch start {
        case .beginning: try await consumer.seekToBeginning(assigned)
        case .end: try await consumer.seekToEnd(assigned)
        case .offset(let offset): for tp in assigned { try await consumer.seek(tp, to: offset) }
        case .time(let milliseconds): try await consumer.seek(assigned, toTimestamp: milliseconds)
        }
        var printed = 0
        while count.map({ printed < $0 }) ?? true {
            let records = try await consumer.poll(timeout: .milliseconds(500))
            for record in records {
                print(format.render(record, printKey: printKey, keySeparator: keySeparator))
                printed += 1
                if let count, printed >= count { break }
            }
            if exitAtEnd, try await reachedEnd(consumer, assigned) { break }
        }
        FileHandle.standardError.write(Data("Consumed \(printed) record(s).\n".utf8))
    }

    /// Whether every partition's position has caught up with its high watermark.
    private func reachedEnd(_ consumer: KafkaConsumer, _ partitions: [TopicPartition]) async throws -> Bool {
        for tp in partitions {
            guard let highWatermark = await consumer.highWatermark(tp) else { return false }
            if try await consumer.position(tp) < highWatermark { return false }
        }
        return true
    }
}

/// Where `gregor consume --from` starts.
enum StartPosition: Equatable {
    case beginning, end
    case offset(Int64)
    case time(Int64)

    init(parsing text: String) throws {
        switch text.lowercased() {
        case "beginning", "earliest": self = .beginning
        case "end", "latest": self = .end
        default:
            if let offset = Int64(text), offset >= 0 {
                self = .offset(offset)
            } else if text.hasPrefix("@"), let milliseconds = Int64(text.dropFirst()) {
                self = .time(milliseconds)
            } else if let date = ISO8601DateFormatter().date(from: text) {
                self = .time(Int64(date.timeIntervalSince1970 * 1000))
            } else {
                throw CommandFailure("--from expects beginning, end, an offset, @MILLISECONDS or an ISO-8601 time, not '\(text)'")
            }
        }
    }
}
