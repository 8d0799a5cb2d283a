import ArgumentParser
import Cluster
import Faults

/// `gregor fault`: faults on one broker of a local cluster (`gregor cluster up`): process faults with
/// real signals, network and disk faults through the broker's admin endpoint.
struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault", abstract: "Inject faults into a local cluster's brokers: processes, network, disk.",
        discussion: """
            Example:
              gregor fault kill 2               # SIGKILL, as a crash
              gregor fault restart 2            # start it again on its data
              gregor fault pause 3              # SIGSTOP: a hung broker
              gregor fault resume 3             # SIGCONT
              gregor fault isolate 2            # cut broker 2 off from the other brokers
              gregor fault latency 3 50 --jitter 20
              gregor fault drop 3 10            # 10% of requests lost, connections reset
              gregor fault slow-disk 1 20       # 20 ms per write and fsync
              gregor fault disk-full 1          # writes fail: KAFKA_STORAGE_ERROR, the broker stops
              gregor fault corrupt-tail 2 orders 0
              gregor fault list                 # what is active
              gregor fault heal                 # clear every network and disk fault

            Every fault is logged with its time in DIR/faults.log.
            """,
        subcommands: [
            FaultKill.self, FaultRestart.self, FaultPause.self, FaultResume.self, FaultIsolate.self, FaultHeal.self, FaultLatency.self,
            FaultDrop.self, FaultSlowDisk.self, FaultDiskFull.self, FaultCorruptTail.self, FaultList.self,
        ])
}

/// `NODE [--dir DIR]`, shared by the fault subcommands.
struct FaultTarget: ParsableArguments {
    @Argument(help: "The broker's node id.") var node: Int32
    @OptionGroup var location: ClusterDirectoryOption

    var faults: ProcessFaults { ProcessFaults(directory: location.directory) }
    var settings: BrokerFaultControl { BrokerFaultControl(directory: location.directory) }

    /// Injects a fault, prints its line and appends it to the cluster's `faults.log`.
    func inject(_ action: String, _ body: (ProcessFaults) async throws -> String) async throws {
        let line = try await clusterOperation { try await body(faults) }
        FaultLog.append("gregor fault \(action) \(node): \(line)", in: location.directory)
        print(line)
    }

    /// Changes the broker's network or disk faults through its admin endpoint (or its data directory
    /// while it is stopped), prints what it suffers now, `then` after it, and logs the line.
    func changeFaults(_ action: String, then: String = "", _ change: @escaping @Sendable (inout FaultSettings) -> Void) async throws {
        let (node, control) = (self.node, settings)
        try await inject(action) { _ in
            let now = try await control.change(node, change)
            return "broker \(node): " + (now.isEmpty ? "no network or disk fault" : now.descriptions.joined(separator: "; ")) + then
        }
    }
}

/// `gregor fault kill NODE`.
struct FaultKill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill", abstract: "Kill a broker with SIGKILL (a crash) and wait until it is gone.",
        discussion: "Example:\n  gregor fault kill 2")
    @OptionGroup var target: FaultTarget

    func run() async throws { try await target.inject("kill") { try await $0.kill(target.node) } }
}

/// `gregor fault restart NODE`.
struct FaultRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Start a broker again on its data with its command line (stopping it cleanly first if it runs).",
        discussion: "Example:\n  gregor fault restart 2")
    @OptionGroup var target: FaultTarget
    @Option(name: .long, help: "Seconds to wait for the broker to answer.") var timeout: Double = 60

    func run() async throws {
        let timeout = Duration.milliseconds(Int64(self.timeout * 1000))
        try await target.inject("restart") { try await $0.restart(target.node, timeout: timeout, progress: printProgress) }
    }
}

/// `gregor fault pause NODE`.
struct FaultPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Freeze a broker with SIGSTOP: connections open, no answers.",
        discussion: "Example:\n  gregor fault pause 3")
    @OptionGroup var target: FaultTarget

    func run() async throws { try await target.inject("pause") { try await $0.pause(target.node) } }
}

/// `gregor fault resume NODE`.
struct FaultResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue a paused broker with SIGCONT.", discussion: "Example:\n  gregor fault resume 3")
    @OptionGroup var target: FaultTarget

    func run() async throws { try await target.inject("resume") { try await $0.resume(target.node) } }
}
