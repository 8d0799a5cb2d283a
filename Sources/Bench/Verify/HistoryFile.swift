import Foundation

/// A run's delivery history on disk, so that `gregor bench verify` can check a topic later (after a
/// restart, say) against what an earlier bench sent and had acknowledged.
///
/// Text, one fact per line: a header `gregor-bench-history 1 RUN TOPIC`, then `sent PRODUCER COUNT`,
/// `ack PRODUCER SEQUENCE PARTITION OFFSET TIME_MS` and `fail PRODUCER SEQUENCE`, and faults as
/// `fault TIME_MS ACTION`.
public struct HistoryFile: Sendable {
    public var run: UInt32
    public var topic: String
    public var history: DeliveryHistory
    public var faults: [FaultEvent]

    public init(run: UInt32, topic: String, history: DeliveryHistory, faults: [FaultEvent] = []) {
        self.run = run
        self.topic = topic
        self.history = history
        self.faults = faults
    }

    public func write(to path: String) throws {
        var text = "gregor-bench-history 1 \(run) \(topic)\n"
        for (producer, count) in history.sent.sorted(by: { $0.key < $1.key }) { text += "sent \(producer) \(count)\n" }
        for ack in history.acknowledged {
            text += "ack \(ack.id.producer) \(ack.id.sequence) \(ack.position.partition) \(ack.position.offset) \(ack.timeMs)\n"
        }
        for id in history.failed { text += "fail \(id.producer) \(id.sequence)\n" }
        for fault in faults { text += "fault \(fault.timeMs) \(fault.action)\n" }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BenchError("cannot write the history to \(path): \(error.localizedDescription)")
        }
    }

    public static func read(from path: String) throws -> HistoryFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read the history file \(path)") }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let header = lines.popFirst()?.split(separator: " ", maxSplits: 3), header.count == 4,
            header[0] == "gregor-bench-history", header[1] == "1", let run = UInt32(header[2])
        else { throw BenchError("\(path) is not a gregor bench history (written with --history)") }
        var file = HistoryFile(run: run, topic: String(header[3]), history: DeliveryHistory())
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: " ", maxSplits: 2)
            func bad() -> BenchError { BenchError("\(path) line \(index + 2) is not understood: \(line)") }
            switch fields.first {
            case "sent":
                guard fields.count == 3, let producer = Int32(fields[1]), let count = Int64(fields[2]) else { throw bad() }
                file.history.sent[producer] = count
            case "ack":
                let numbers = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
                guard numbers.count == 5 else { throw bad() }
                file.history.acknowledged.append(.init(
                    id: RecordId(producer: Int32(numbers[0]), sequence: numbers[1]),
                    position: LogPosition(partition: Int32(numbers[2]), offset: numbers[3]), timeMs: numbers[4]))
            case "fail":
                guard fields.count == 3, let producer = Int32(fields[1]), let sequence = Int64(fields[2]) else { throw bad() }
                file.history.failed.append(RecordId(producer: producer, sequence: sequence))
            case "fault":
                guard fields.count == 3, let time = Int64(fields[1]) else { throw bad() }
                file.faults.append(FaultEvent(timeMs: time, action: String(fields[2])))
            default:
                throw bad()
            }
        }
        return file
    }
}
