import ArgumentParser
import Bench

/// `gregor bench consume`: as `kafka-consumer-perf-test`: N consumers, assigned or in a group.
struct BenchConsume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Consume a topic as fast as the cluster serves it.",
        discussion: """
            Examples:
              gregor bench consume --topic perf                      # everything there now, then stop
              gregor bench consume --topic perf --consumers 3 --group perf-readers
              gregor bench consume --topic perf --from latest --duration 30s
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var topic: BenchTopicOptions
    @OptionGroup var options: BenchRunOptions
    @Option(name: .long, help: "Consumers, each with its own connections.") var consumers: Int = 1
    @Option(name: .long, help: "Consume as members of this group (default: partitions split between the consumers).") var group: String?
    @Option(name: .long, help: "beginning (what is there now) or latest (only new records).") var from: String = "beginning"
    @Option(name: .long, help: "Stop when no record came for this long.") var idleTimeout: String = "10s"
    @Option(name: .long, help: "fetch.min.bytes.") var fetchMinBytes: Int32 = 1
    @Option(name: .long, help: "fetch.max.wait.ms.") var fetchMaxWaitMs: Int = 500

    func run() async throws {
        guard from == "beginning" || from == "latest" else { throw CommandFailure("--from is beginning or latest") }
        var settings = ConsumeSettings(topic: topic.topic)
        settings.consumers = consumers
        settings.group = group
        settings.fromBeginning = from == "beginning"
        settings.records = options.records
        settings.consumer.fetchMinBytes = fetchMinBytes
        settings.consumer.fetchMaxWait = .milliseconds(fetchMaxWaitMs)
        do {
            settings.duration = try options.duration.map { try Duration(benchText: $0) }
            settings.warmup = try Duration(benchText: options.warmup)
            settings.idleTimeout = try Duration(benchText: idleTimeout)
            try settings.validate()
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
        var bench = BenchRun(workload: .consume(settings), client: try connection.clientConfiguration(), bootstrap: connection.bootstrap)
        bench.settingsText = options.text.merging([
            "consumers": "\(consumers)", "group": group ?? "none", "from": from, "fetch.min.bytes": "\(fetchMinBytes)",
            "fetch.max.wait.ms": "\(fetchMaxWaitMs)",
        ]) { $1 }
        bench.faults = try options.faultRunner(client: bench.client)
        try await BenchDriver.execute(bench, connection: connection, options: options)
    }
}
