import ArgumentParser
import Cluster

/// `gregor cluster up`: starts N brokers in the background and prints the bootstrap list once they are ready.
struct ClusterUp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start a local cluster of brokers in the background.",
        discussion: """
            Example:
              export GREGOR_BOOTSTRAP=$(gregor cluster up --brokers 3 --port 9092)

            Broker N listens on 127.0.0.1:(port + N - 1) and keeps its data in DIR/broker-N and its log in
            DIR/broker-N.log; its admin endpoint (Prometheus /metrics, and the network and disk faults of
            `gregor fault`) listens on 127.0.0.1:(admin-port + N - 1). Progress goes to stderr; stdout gets the bootstrap list once every broker
            reports all brokers and a controller. Data left in DIR by an earlier cluster is reused.
            --set passes a broker config to every broker (it stays in the cluster file, so
            `gregor fault restart` keeps it), e.g. --set broker.session.timeout.ms=3000.
            """)

    @Option(name: .long, help: "Number of brokers (node ids 1...N).") var brokers: Int = 3
    @Option(name: .long, help: "Client port of broker 1; broker N gets port + N - 1.") var port: Int = 9092
    @Option(name: .long, help: "Admin port of broker 1 (/metrics, faults); broker N gets admin-port + N - 1. Default: port + 100.")
    var adminPort: Int?
    @OptionGroup var location: ClusterDirectoryOption
    @Option(name: .long, help: "Seconds to wait for the cluster to be ready.") var timeout: Double = 60
    @Option(name: .customLong("set"), help: "A broker config every broker gets, as key=value (repeatable).") var settings: [String] = []

    func run() async throws {
        try await clusterOperation {
            let plan = try ClusterPlan(brokers: brokers, basePort: port, adminBasePort: adminPort, directory: location.dir, settings: settings)
            let starter = ClusterStarter(
                plan: plan, executable: ProcessLauncher.currentExecutable, readyTimeout: .milliseconds(Int64(timeout * 1000)),
                progress: printProgress)
            let file = try await starter.start()
            let dirOption = location.directory.dirOption
            printProgress(
                "cluster ready: \(plan.brokers) broker(s), cluster file \(plan.clusterFilePath); "
                    + "see `gregor cluster status\(dirOption)`, stop with `gregor cluster down\(dirOption)`")
            print(file.bootstrap)
        }
    }
}
