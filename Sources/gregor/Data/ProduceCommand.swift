import ArgumentParser
import Foundation
import KafkaClient
import KafkaRecords
import NIOCore
import Synchronization

/// `gregor produce TOPIC`: one record per line of standard input.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce records, one per line of standard input.",
        discussion: """
            Examples:
              echo 'hello' | gregor produce demo
              printf 'user-1:clicked\\nuser-2:scrolled\\n' | gregor produce clicks --key-separator : --header source=cli
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The topic.") var topic: String
    @Option(name: .long, help: "Split each line at the first SEPARATOR into key and value (no key otherwise).") var keySeparator: String?
    @Option(name: .customLong("header"), help: "A header for every record, key=value (repeatable).") var headers: [String] = []
    @Option(name: .long, help: "Send every record to this partition (default: by key, or sticky without a key).") var partition: Int32?
    @Option(name: .long, help: "acks: all, 1 or 0.") var acks: AcksOption = .all
    @Option(name: .long, help: "linger.ms: how long a batch waits for more records.") var lingerMs: Int = 5
    @Option(name: .long, help: "compression.type: none, gzip, snappy or lz4.") var compression: String = "none"
    @Flag(name: .long, help: "Print each record's partition and offset as it is acknowledged.") var printOffsets = false

    enum AcksOption: String, ExpressibleByArgument {
        case all, one = "1", zero = "0"
        var value: ProducerConfiguration.Acks {
            switch self {
            case .all: .all
            case .one: .leader
            case .zero: .none
            }
        }
    }

    func run() async throws {
        let headerPairs: [RecordHeader] = try headers.map {
            let (key, value) = try KeyValue.parse($0, option: "--header")
            return (key, ByteBuffer(string: value))
        }
        guard let codec = CompressionType(name: compression), codec == .none || codec.isSupported else {
            throw CommandFailure("--compression must be none, gzip, snappy or lz4")
        }
        var settings = ProducerConfiguration()
        settings.acks = acks.value
        settings.linger = .milliseconds(lingerMs)
        settings.compression = codec
        let producer = try KafkaProducer(clientConfiguration: try connection.clientConfiguration(), configuration: settings)
        let tally = Tally()
        let print = printOffsets
        do {
            while let line = readLine(strippingNewline: true) {
                var key: ByteBuffer?
                var value = Substring(line)
                if let separator = keySeparator, let range = line.range(of: separator) {
                    key = ByteBuffer(string: String(line[..<range.lowerBound]))
                    value = line[range.upperBound...]
                }
                let record = ProducerRecord(
                    topic: topic, partition: partition, key: key, value: ByteBuffer(string: String(value)), headers: headerPairs)
                try await producer.send(record) { result in
                    tally.record(result)
                    if print, case .success(let metadata) = result { Swift.print("\(metadata.partition)\t\(metadata.offset)") }
                }
            }
            await producer.flush()
        } catch {
            await producer.close()
            throw connection.failure(error)
        }
        await producer.close()
        let (sent, failed, firstError) = tally.totals
        FileHandle.standardError.write(Data("Produced \(sent) record(s) to \(topic).\n".utf8))
        if let firstError { throw CommandFailure("\(failed) record(s) failed; the first: \(firstError)") }
    }
}

/// Counts deliveries from the producer's callbacks.
final class Tally: Sendable {
    private let state = Mutex<(sent: Int, failed: Int, firstError: String?)>((0, 0, nil))

    func record(_ result: Result<RecordMetadata, KafkaClientError>) {
        state.withLock { state in
            switch result {
            case .success: state.sent += 1
            case .failure(let error):
                state.failed += 1
                if state.firstError == nil { state.firstError = error.message }
            }
        }
    }

    var totals: (Int, Int, String?) { state.withLock { ($0.sent, $0.failed, $0.firstError) } }
}
