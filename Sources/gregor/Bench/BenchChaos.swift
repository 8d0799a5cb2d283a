import ArgumentParser
import Bench
import Cluster

/// `gregor bench chaos --seed S --duration D`: an end-to-end run under a random fault schedule that
/// replays from its seed, always verified.
struct BenchChaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos", abstract: "Run e2e load under random faults from a seed, then check that nothing acknowledged was lost.",
        discussion: """
            Example:
              gregor cluster up
              gregor bench chaos --seed 7 --duration 60s --json chaos-7.json --svg chaos-7.svg

            The schedule kills, pauses and bounces brokers of the local cluster (--dir), at most one at a
            time, and heals them in the last fifth of the run; the same seed gives the same schedule. The
            topic is created with replication factor 3 and min.insync.replicas=2 unless it exists, so
            Kafka promises that no acknowledged record is lost: the run exits 2 if one was.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .long, help: "The topic.") var topic: String = "gregor-chaos"
    @Option(name: .long, help: "Partitions when the bench creates the topic.") var partitions: Int32 = 3
    @Option(name: .long, help: "The schedule's seed (default: a random one, printed).") var seed: UInt64?
    @Option(name: .long, help: "How long the load runs (500ms, 30s, 2m).") var duration: String = "60s"
    @Option(name: .long, help: "Records per second.") var rate: Double = 1000
    @Option(name: .long, help: "The local cluster's directory.") var dir: String = ClusterPlan.defaultDirectory
    @Option(name: .long, help: "Write the report as JSON to FILE.") var json: String?
    @Option(name: .long, help: "Draw the run as SVG to FILE.") var svg: String?
    @Flag(name: .long, help: "No line per second.") var quiet = false
    @OptionGroup var producer: BenchProducerOptions

    func run() async throws {
        let seed = self.seed ?? UInt64.random(in: 1...999_999)
        let directory = ClusterDirectory(dir)
        let brokers: [Int32]
        do {
            brokers = try directory.loadRunning().brokers.map(\.nodeId)
        } catch {
            throw CommandFailure("chaos needs a local cluster (gregor cluster up): \(error.message)")
        }
        guard brokers.count >= 3 else {
            throw CommandFailure("chaos needs at least 3 brokers to keep acknowledged records through a failure; the cluster has \(brokers.count)")
        }
        let bench = try makeRun(seed: seed, brokers: brokers, directory: directory)
        printProgress("chaos seed \(seed): \(bench.faults?.schedule.description ?? "")")
        var options = try BenchRunOptions.parse([])
        options.json = json
        options.svg = svg
        options.quiet = quiet
        try await BenchDriver.execute(bench, connection: connection, options: options)
    }

    private func makeRun(seed: UInt64, brokers: [Int32], directory: ClusterDirectory) throws -> BenchRun {
        let length: Duration
        let produce: ProduceSettings
        do {
            length = try Duration(benchText: duration)
            produce = try producer.settings(topic: topic, rate: rate, records: nil, duration: duration, warmup: "0s")
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
        let schedule = ChaosSchedule.generate(seed: seed, duration: length, brokers: brokers)
        let consume = ConsumeSettings.endToEnd(topic: topic, consumers: 1)
        var bench = BenchRun(workload: .endToEnd(produce, consume), client: try connection.clientConfiguration(), bootstrap: connection.bootstrap)
        var setup = TopicSetup(topic: topic)
        setup.partitions = partitions
        setup.replicationFactor = 3
        setup.configs = ["min.insync.replicas": "2"]
        bench.topicSetup = setup
        bench.verify = true
        bench.faults = FaultRunner(schedule: schedule, directory: directory, client: bench.client)
        bench.settingsText = producer.text.merging(["seed": "\(seed)", "rate": rateText(rate), "duration": duration, "faults": schedule.description]) { $1 }
        return bench
    }
}
