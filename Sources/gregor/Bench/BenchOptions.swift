import ArgumentParser
import Bench
import Cluster
import Foundation
import KafkaClient
import KafkaRecords

/// The topic a bench runs on, and how to create it when it is missing.
struct BenchTopicOptions: ParsableArguments {
    @Option(name: .long, help: "The topic.") var topic: String = "gregor-bench"
    @Option(name: .long, help: "Partitions when the bench creates the topic (default: the broker's num.partitions).") var partitions: Int32 = -1
    @Option(name: .long, help: "Replication factor when the bench creates the topic (default: the broker's).") var replicationFactor: Int16 = -1
    @Option(name: .customLong("config"), help: "A topic config when the bench creates the topic, key=value (repeatable).") var configs: [String] = []

    func setup() throws -> TopicSetup {
        var setup = TopicSetup(topic: topic)
        setup.partitions = partitions
        setup.replicationFactor = replicationFactor
        for config in configs {
            let (key, value) = try KeyValue.parse(config, option: "--config")
            setup.configs[key] = value
        }
        return setup
    }
}

/// What the producers of `bench produce` and `bench e2e` send.
struct BenchProducerOptions: ParsableArguments {
    @Option(name: .long, help: "Producers, each with its own connections.") var producers: Int = 1
    @Option(name: .long, help: "Value size in bytes: N, MIN-MAX (uniform) or SIZE:WEIGHT,... (at least 28 to verify).") var recordSize: String = "100"
    @Option(name: .long, help: "Keys: none, random, N (N distinct keys) or round-robin:N.") var keys: String = "none"
    @Option(name: .long, help: "acks: all, 1 or 0.") var acks: ProduceCommand.AcksOption = .all
    @Option(name: .long, help: "linger.ms.") var lingerMs: Int = 5
    @Option(name: .long, help: "batch.size in bytes.") var batchSize: Int = 16_384
    @Option(name: .long, help: "compression.type: none, gzip, snappy or lz4.") var compression: String = "none"
    @Option(name: .long, help: "enable.idempotence: true or false (default: Kafka's, on with acks=all).") var idempotence: Bool?
    @Option(name: .long, help: "max.in.flight.requests.per.connection.") var maxInFlight: Int = 5

    func settings(topic: String, rate: Double?, records: Int64?, duration: String?, warmup: String) throws -> ProduceSettings {
        var settings = ProduceSettings(topic: topic)
        settings.producers = producers
        settings.recordSizes = try RecordSizes(parsing: recordSize)
        settings.keys = try KeyStrategy(parsing: keys)
        settings.rate = rate
        settings.records = records
        settings.duration = try duration.map { try Duration(benchText: $0) }
        settings.warmup = try Duration(benchText: warmup)
        settings.producer.acks = acks.value
        settings.producer.linger = .milliseconds(lingerMs)
        settings.producer.batchSize = batchSize
        settings.producer.maxInFlightRequestsPerConnection = maxInFlight
        settings.producer.enableIdempotence = idempotence
        guard let codec = CompressionType(name: compression), codec == .none || codec.isSupported else {
            throw CommandFailure("--compression must be none, gzip, snappy or lz4")
        }
        settings.producer.compression = codec
        try settings.validate()
        return settings
    }

    var text: [String: String] {
        [
            "producers": "\(producers)", "record.size": recordSize, "keys": keys, "acks": acks.rawValue, "linger.ms": "\(lingerMs)",
            "batch.size": "\(batchSize)", "compression.type": compression, "enable.idempotence": idempotence.map { "\($0)" } ?? "default",
            "max.in.flight.requests.per.connection": "\(maxInFlight)",
        ]
    }
}

/// How long a bench runs and what it writes at the end.
struct BenchRunOptions: ParsableArguments {
    @Option(name: .long, help: "Stop after this many records.") var records: Int64?
    @Option(name: .long, help: "Stop after this long (500ms, 30s, 2m); after the warm-up.") var duration: String?
    @Option(name: .long, help: "Leave this first stretch out of the totals (say 5s).") var warmup: String = "0s"
    @Option(name: .long, help: "Write the report (settings, totals, a series per second) as JSON to FILE.") var json: String?
    @Option(name: .long, help: "Draw throughput and latency over time, with the faults, as SVG to FILE.") var svg: String?
    @Flag(name: .long, help: "No line per second.") var quiet = false
    @Option(name: .long, help: ArgumentHelp(
        "Faults to inject into the local cluster (--dir) while the bench runs, e.g. '10s kill leader(orders,0); 20s restart all'.",
        discussion: "Each is TIME ACTION TARGET: actions kill, restart, pause, resume; targets a node id, all, controller, leader(TOPIC,PARTITION) or coordinator(GROUP)."))
    var faults: String?
    @Option(name: .long, help: "The local cluster's directory, for --faults.") var dir: String = ClusterPlan.defaultDirectory

    /// The fault schedule's runner, when --faults was given.
    func faultRunner(client: ClientConfiguration) throws -> FaultRunner? {
        guard let faults else { return nil }
        do {
            return FaultRunner(schedule: try FaultSchedule(parsing: faults), directory: ClusterDirectory(dir), client: client)
        } catch {
            throw CommandFailure("--faults: \(error.description)")
        }
    }

    var text: [String: String] {
        var text = ["warmup": warmup]
        if let faults { text["faults"] = faults }
        if let records { text["records"] = "\(records)" }
        if let duration { text["duration"] = duration }
        return text
    }
}

/// Runs a bench from the command line: Ctrl-C stops it early (what was measured is still reported),
/// the live line goes to standard error, the summary to standard output.
enum BenchDriver {
    static func execute(_ run: BenchRun, connection: ConnectionOptions, options: BenchRunOptions) async throws {
        let (json, svg, quiet) = (options.json, options.svg, options.quiet)
        let stop = StopSignal()
        let interrupt = InterruptFlag()
        let watcher = Task {
            while !Task.isCancelled {
                if interrupt.isRaised { stop.raise() }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { watcher.cancel() }
        let outcome: BenchRun.Outcome
        do {
            outcome = try await run.run(stop: stop) { line in
                if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            }
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        } catch {
            throw connection.failure(error)
        }
        for line in outcome.lines { print(line) }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(outcome.report).write(to: URL(fileURLWithPath: json))
            } catch {
                throw CommandFailure("cannot write \(json): \(error.localizedDescription)")
            }
            print("report written to \(json)")
        }
        if let svg {
            do {
                try Data(SVGChart.render(outcome.report).utf8).write(to: URL(fileURLWithPath: svg))
            } catch {
                throw CommandFailure("cannot write \(svg): \(error.localizedDescription)")
            }
            print("chart written to \(svg)")
        }
        if outcome.report.verification?.violated == true { throw ExitCode(2) }
    }
}

/// A rate as the report keeps it: `1000`, not `1000.0`.
func rateText(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? "\(Int(rate))" : "\(rate)"
}
