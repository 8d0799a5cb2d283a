import Foundation
import KafkaClient
import KafkaRecords

/// `gregor consume --group`: a consumer group member that prints what it receives, commits it (after
/// printing, so nothing printed is lost to a restart), and leaves the group cleanly on Ctrl-C.
struct GroupConsumer {
    var connection: ConnectionOptions
    var topic: String
    var group: String
    var start: StartPosition
    var format: RecordFormat
    var count: Int?
    var exitAtEnd: Bool
    var printKey: Bool
    var keySeparator: String

    func run() async throws {
        var settings = ConsumerConfiguration()
        settings.groupId = group
        // Commit exactly what was printed (not what was fetched), after printing it.
        settings.enableAutoCommit = false
        switch start {
        case .beginning: settings.autoOffsetReset = .earliest
        case .end: settings.autoOffsetReset = .latest
        case .offset, .time: throw CommandFailure("with --group, --from takes beginning or end (it applies where the group has no committed offset)")
        }
        let interrupt = InterruptFlag()
        let consumer = KafkaConsumer(clientConfiguration: try connection.clientConfiguration(), configuration: settings)
        let listener = RebalanceCallbacks(
            revoked: { partitions, _ in Self.note("revoked \(Self.describe(partitions))") },
            assigned: { partitions, _ in Self.note("assigned \(Self.describe(partitions))") })
        var printed = 0
        do {
            try await consumer.subscribe(topics: [topic], listener: listener)
            while !interrupt.isRaised, count.map({ printed < $0 }) ?? true {
                let records = try await consumer.poll(timeout: .milliseconds(500))
                var batch: [TopicPartition: OffsetAndMetadata] = [:]
                for record in records {
                    print(format.render(record, printKey: printKey, keySeparator: keySeparator))
                    batch[record.topicPartition] = OffsetAndMetadata(offset: record.offset + 1)
                    printed += 1
                    if let count, printed >= count { break }
                }
                if !batch.isEmpty { try await consumer.commit(offsets: batch) }
                if exitAtEnd, try await caughtUp(consumer) { break }
            }
        } catch {
            await consumer.close()
            throw connection.failure(error)
        }
        await consumer.close()
        Self.note("Consumed \(printed) record(s) in group \(group).")
    }

    /// Every assigned partition's position has reached its high watermark (and something is assigned).
    private func caughtUp(_ consumer: KafkaConsumer) async throws -> Bool {
        let assigned = await consumer.assignment
        guard !assigned.isEmpty else { return false }
        for tp in assigned {
            guard let highWatermark = await consumer.highWatermark(tp), try await consumer.position(tp) >= highWatermark else { return false }
        }
        return true
    }

    static func describe(_ partitions: [TopicPartition]) -> String {
        partitions.isEmpty ? "no partitions" : partitions.sorted().map(\.description).joined(separator: ", ")
    }

    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
