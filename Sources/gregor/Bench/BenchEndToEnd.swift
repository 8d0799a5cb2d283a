import ArgumentParser
import Bench

/// `gregor bench e2e`: producers at a fixed rate and consumers together; each record carries the
/// time it was meant to be sent, and the consumer measures the latency from it.
struct BenchEndToEnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e", abstract: "Measure end-to-end latency (produce to consume) at a fixed rate.",
        discussion: """
            Examples:
              gregor bench e2e --topic e2e --partitions 6 --rate 10000 --duration 30s
              gregor bench e2e --topic e2e --rate 5000 --duration 1m --verify --json e2e.json

            Latency runs from the time each record was meant to be sent (the rate's schedule) to the time
            a consumer received it, so a stalled cluster shows in every record it held up.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var topic: BenchTopicOptions
    @OptionGroup var producer: BenchProducerOptions
    @OptionGroup var options: BenchRunOptions
    @Option(name: .long, help: "Records per second over all producers.") var rate: Double = 1000
    @Option(name: .long, help: "Consumers (partitions split between them).") var consumers: Int = 1
    @Flag(name: .long, help: "Read everything back at the end and check every acknowledged record.") var verify = false
    @Option(name: .long, help: "Keep the delivery history in FILE for a later `gregor bench verify`.") var history: String?

    func run() async throws {
        var bench: BenchRun
        do {
            let produce = try producer.settings(topic: topic.topic, rate: rate, records: options.records, duration: options.duration, warmup: options.warmup)
            guard produce.stamps else { throw BenchError("e2e needs records of at least \(RecordStamp.size) bytes: they carry their send time") }
            let consume = ConsumeSettings.endToEnd(topic: topic.topic, consumers: consumers)
            bench = BenchRun(workload: .endToEnd(produce, consume), client: try connection.clientConfiguration(), bootstrap: connection.bootstrap)
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
        bench.topicSetup = try topic.setup()
        bench.verify = verify
        bench.historyPath = history
        bench.settingsText = producer.text.merging(options.text) { $1 }.merging(["rate": rateText(rate), "consumers": "\(consumers)"]) { $1 }
        bench.faults = try options.faultRunner(client: bench.client)
        try await BenchDriver.execute(bench, connection: connection, options: options)
    }
}
