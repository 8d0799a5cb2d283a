import ArgumentParser
import Broker
import Foundation
import Logging

/// `gregor broker`: runs one broker in the foreground as a single-node cluster.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a Gregor broker.",
        discussion: """
            Example:
              gregor broker --node-id 1 --listen 127.0.0.1:9092 --data-dir /tmp/gregor-1 --set num.partitions=3

            The broker formats an empty data directory itself and stops cleanly on Ctrl-C or SIGTERM.
            """)

    @Option(name: .long, help: "This broker's node id (node.id).")
    var nodeId: Int32 = 1

    @Option(name: .long, help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:9092"

    @Option(name: .long, help: "Address clients are told to use, HOST:PORT (default: the listen address).")
    var advertise: String?

    @Option(name: .long, help: "Data directory (log.dirs).")
    var dataDir: String

    @Option(name: .long, help: "A Kafka-style properties file (server.properties keys).")
    var config: String?

    @Option(name: .customLong("set"), help: "A broker config, key=value (repeatable); overrides --config.")
    var settings: [String] = []

    @Option(
        name: .long,
        help: "The metadata quorum's voters, ID@HOST:PORT,... (controller.quorum.voters); each is a broker of the cluster. Default: this broker alone.")
    var controllerVoters: String?

    @Option(name: .long, help: "fsync policy: 'os' leaves flushing to the OS, as Kafka does; 'always' fsyncs every append.")
    var fsync: FsyncPolicy = .os

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .info

    @Flag(name: .long, help: "Exit when the process that started this one exits (used by local clusters and tests).")
    var exitWithParent = false

    @Option(name: .long, help: "Serve Prometheus metrics at http://HOST:PORT/metrics (the admin endpoint; off by default).")
    var admin: String?

    @Flag(name: .long, help: "Let the admin endpoint inject network and disk faults (gregor fault isolate, slow-disk, ...); needs --admin.")
    var faults = false

    @Option(name: .long, help: "Stop when this cluster file (written by `gregor cluster up`) is gone or no longer lists this process.")
    var clusterFile: String?

    enum FsyncPolicy: String, ExpressibleByArgument { case os, always }

    func run() async throws {
        let (listenHost, listenPort) = try HostPort.parse(listen, option: "--listen")
        let advertised = try advertise.map { try HostPort.parse($0, option: "--advertise") }
        var properties: [String: String] = [:]
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw CommandFailure("cannot read the config file \(config)")
            }
            properties = try PropertiesFile.parse(text)
        }
        for setting in settings {
            let (key, value) = try PropertiesFile.parseAssignment(setting)
            properties[key] = value
        }
        if let controllerVoters { properties["controller.quorum.voters"] = controllerVoters }
        if fsync == .always { properties["log.flush.interval.messages"] = "1" }
        var brokerConfig = BrokerConfig(
            nodeId: nodeId, listenHost: listenHost, listenPort: listenPort, advertisedHost: advertised?.0,
            advertisedPort: advertised?.1, dataDirectory: dataDir, properties: properties)
        if let admin {
            let (host, port) = try HostPort.parse(admin, option: "--admin")
            brokerConfig.adminHost = host
            brokerConfig.adminPort = port
        }
        if faults {
            guard admin != nil else { throw CommandFailure("--faults needs --admin HOST:PORT: faults are set through the admin endpoint") }
            brokerConfig.faultsEnabled = true
        }
        let logger = {
            var logger = Logger(label: "gregor.broker.\(nodeId)")
            logger.logLevel = logLevel
            return logger
        }()
        if exitWithParent { ParentWatch.start() }
        if let clusterFile { ClusterFileWatch.start(path: clusterFile) }
        do {
            let advertisedHost = brokerConfig.advertisedHost
            try await GregorBroker(config: brokerConfig, logger: logger).run { port in
                logger.notice("broker \(nodeId) ready on \(advertisedHost):\(port)")
            }
        } catch let error as BrokerConfigError {
            throw CommandFailure(error.description)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `host:port` arguments.
enum HostPort {
    static func parse(_ text: String, option: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CommandFailure("\(option) expects HOST:PORT, got '\(text)'")
        }
        let host = String(text[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}

/// Exits when the parent process goes away, so brokers started by a test or a local cluster never
/// outlive it (children survive a SIGKILLed parent otherwise).
enum ParentWatch {
    static func start() {
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.5) }
            exit(0)
        }
    }
}
