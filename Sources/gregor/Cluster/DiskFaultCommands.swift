import ArgumentParser
import Cluster
import Faults

/// `gregor fault slow-disk NODE MS`.
struct FaultSlowDisk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slow-disk", abstract: "Make every write and fsync of a broker's data directory wait.",
        discussion: "Example:\n  gregor fault slow-disk 1 20   # 20 ms each\n  gregor fault slow-disk 1 0    # off")
    @OptionGroup var target: FaultTarget
    @Argument(help: "Milliseconds per write and per fsync.") var milliseconds: Int

    func run() async throws {
        let latency = milliseconds
        try await target.changeFaults("slow-disk") { $0.slowDiskMs = latency }
    }
}

/// `gregor fault disk-full NODE`.
struct FaultDiskFull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk-full", abstract: "Fill a broker's disk: its next write fails and the broker stops, as Kafka does.",
        discussion: """
            Example:
              gregor fault disk-full 1

            The next write fails with ENOSPC. The broker answers that request KAFKA_STORAGE_ERROR, takes
            its log directory offline and, since it has only one, stops (Kafka: "Shutdown broker because
            all log dirs have failed"). The controller fences it and moves leadership. The disk stays full
            across restarts until `gregor fault heal 1 --disk`.
            """)
    @OptionGroup var target: FaultTarget

    func run() async throws {
        let node = target.node
        try await target.changeFaults(
            "disk-full",
            then: "; its next write fails, it answers KAFKA_STORAGE_ERROR and stops; "
                + "free it with `gregor fault heal \(node) --disk\(target.location.directory.dirOption)`, then restart it"
        ) { $0.diskFull = true }
    }
}

/// `gregor fault corrupt-tail NODE TOPIC PARTITION [--bytes N]`.
struct FaultCorruptTail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corrupt-tail", abstract: "Corrupt the end of a stopped broker's newest segment of a partition, as a torn write does.",
        discussion: """
            Example:
              gregor fault kill 2
              gregor fault corrupt-tail 2 orders 0
              gregor fault restart 2        # recovery truncates to the last whole batch
            """)
    @OptionGroup var target: FaultTarget
    @Argument(help: "The topic.") var topic: String
    @Argument(help: "The partition.") var partition: Int32
    @Option(name: .long, help: "How many bytes at the end to corrupt.") var bytes = 16

    func run() async throws {
        let (node, topic, partition, bytes) = (target.node, topic, partition, bytes)
        try await target.inject("corrupt-tail") { _ in
            try await SegmentCorruption(directory: target.location.directory).corruptTail(node, topic: topic, partition: partition, bytes: bytes)
        }
    }
}

/// `gregor fault list`.
struct FaultList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Show each broker's process state and active network and disk faults.",
        discussion: "Example:\n  gregor fault list")
    @OptionGroup var location: ClusterDirectoryOption

    func run() async throws {
        let nodes = try await clusterOperation { try await BrokerFaultControl(directory: location.directory).list() }
        for node in nodes {
            var faults: [String] = []
            switch node.state {
            case .paused: faults.append("paused (SIGSTOP)")
            case .stopped: faults.append("stopped")
            case .running: break
            }
            if let settings = node.settings { faults += settings.descriptions } else if let problem = node.problem { faults.append("faults unknown: \(problem)") }
            print("broker \(node.nodeId): \(faults.isEmpty ? "no fault" : faults.joined(separator: "; "))")
        }
    }
}
