import ArgumentParser
import Cluster
import Faults

/// `gregor fault isolate NODE [--from IDS] [--clients]`.
struct FaultIsolate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolate", abstract: "Cut a broker off from other brokers or from clients, in both directions.",
        discussion: """
            Example:
              gregor fault isolate 2                  # from every other broker
              gregor fault isolate 2 --from 1         # from broker 1 only
              gregor fault isolate 2 --clients        # from clients only

            Requests across the cut are never answered, so both sides time out as over a cut cable:
            replication, the metadata quorum and client traffic stop. Heal with `gregor fault heal 2`.
            """)
    @OptionGroup var target: FaultTarget
    @Option(name: .long, parsing: .upToNextOption, help: "Only from these brokers (node ids, comma- or space-separated).")
    var from: [String] = []
    @Flag(name: .long, help: "From clients (every connection that is not another broker's).") var clients = false

    func run() async throws {
        let node = target.node
        let peers = try from.flatMap { $0.split(separator: ",") }.map { text in
            guard let id = Int32(text.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("--from takes node ids, got '\(text)'") }
            return id
        }
        if peers.contains(node) { throw ValidationError("a broker cannot be isolated from itself") }
        let (fromPeers, fromClients) = (peers, clients)
        try await target.changeFaults("isolate", then: "; heal with `gregor fault heal \(node)\(target.location.directory.dirOption)`") { settings in
            if fromClients { settings.isolation.clients = true }
            if !fromPeers.isEmpty {
                settings.isolation.peers = Array(Set(settings.isolation.peers + fromPeers)).sorted()
            } else if !fromClients {
                settings.isolation.allPeers = true
            }
        }
    }
}

/// `gregor fault heal [NODE] [--network | --disk]`.
struct FaultHeal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal", abstract: "Clear the network and disk faults of one broker, or of every broker.",
        discussion: """
            Example:
              gregor fault heal            # every broker, every network and disk fault
              gregor fault heal 2 --disk   # broker 2's disk faults only

            Process faults are not healed here: restart a killed broker with `gregor fault restart`,
            resume a paused one with `gregor fault resume`.
            """)
    @Argument(help: "The broker's node id (default: every broker).") var node: Int32?
    @Flag(name: .long, help: "Only the network faults.") var network = false
    @Flag(name: .long, help: "Only the disk faults.") var disk = false
    @OptionGroup var location: ClusterDirectoryOption

    func run() async throws {
        let control = BrokerFaultControl(directory: location.directory)
        let (healNetwork, healDisk) = network || disk ? (network, disk) : (true, true)
        let nodes = try await clusterOperation { if let node { [node] } else { try control.nodeIds() } }
        for id in nodes {
            let line = try await clusterOperation {
                let now = try await control.change(id) { settings in
                    if healNetwork { settings.healNetwork() }
                    if healDisk { settings.healDisk() }
                }
                return "broker \(id): " + (now.isEmpty ? "no network or disk fault" : "still " + now.descriptions.joined(separator: "; "))
            }
            FaultLog.append("gregor fault heal \(id): \(line)", in: location.directory)
            print(line)
        }
    }
}

/// `gregor fault latency NODE MS [--jitter MS]`.
struct FaultLatency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency", abstract: "Delay every answer a broker sends and every request it sends another broker.",
        discussion: "Example:\n  gregor fault latency 3 50 --jitter 20   # 50-70 ms\n  gregor fault latency 3 0                # off")
    @OptionGroup var target: FaultTarget
    @Argument(help: "Milliseconds added.") var milliseconds: Int
    @Option(name: .long, help: "Up to this many more milliseconds, at random.") var jitter = 0

    func run() async throws {
        let (latency, jitter) = (milliseconds, self.jitter)
        try await target.changeFaults("latency") { settings in
            settings.latencyMs = latency
            settings.jitterMs = jitter
        }
    }
}

/// `gregor fault drop NODE PERCENT`.
struct FaultDrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop", abstract: "Lose a share of the requests a broker receives; each loss resets its connection.",
        discussion: "Example:\n  gregor fault drop 3 10   # 10% lost\n  gregor fault drop 3 0    # off")
    @OptionGroup var target: FaultTarget
    @Argument(help: "Percent of requests lost, 0 to 100.") var percent: Double

    func run() async throws {
        let percent = self.percent
        try await target.changeFaults("drop") { $0.dropPercent = percent }
    }
}
