import ArgumentParser
import Bench

/// `gregor bench produce`: as `kafka-producer-perf-test`, with rates, keys, sizes and verification.
struct BenchProduce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Produce records as fast as the cluster takes them, or at a fixed rate.",
        discussion: """
            Examples:
              gregor bench produce --topic perf --partitions 6 --records 1000000
              gregor bench produce --topic perf --rate 20000 --duration 30s --warmup 5s --acks 1 --json produce.json
              gregor bench produce --topic orders --keys 1000 --record-size 100-2000 --records 100000 --verify

            Latency is from send to acknowledgement; with --rate, from the time the record was meant to be sent.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var topic: BenchTopicOptions
    @OptionGroup var producer: BenchProducerOptions
    @OptionGroup var options: BenchRunOptions
    @Option(name: .long, help: "Records per second over all producers (default: unlimited).") var rate: Double?
    @Flag(name: .long, help: "Read everything back at the end and check every acknowledged record.") var verify = false
    @Option(name: .long, help: "Keep the delivery history in FILE for a later `gregor bench verify`.") var history: String?

    func run() async throws {
        let settings: ProduceSettings
        do {
            settings = try producer.settings(topic: topic.topic, rate: rate, records: options.records, duration: options.duration, warmup: options.warmup)
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
        var bench = BenchRun(workload: .produce(settings), client: try connection.clientConfiguration(), bootstrap: connection.bootstrap)
        bench.topicSetup = try topic.setup()
        bench.verify = verify
        bench.historyPath = history
        bench.settingsText = producer.text.merging(options.text) { $1 }.merging(["rate": rate.map(rateText) ?? "unlimited"]) { $1 }
        bench.faults = try options.faultRunner(client: bench.client)
        try await BenchDriver.execute(bench, connection: connection, options: options)
    }
}
