import Cluster
import Faults
import KafkaClient
import Synchronization

/// Injects a `FaultSchedule` into a local cluster while a bench runs: waits for each entry's time,
/// resolves its target through Kafka APIs (who leads the partition, who is the controller), sends the
/// real signals through `ProcessFaults` or the network and disk faults through `BrokerFaultControl`,
/// and records each fault as an event for the report, the durability verdict (how many brokers were
/// down or cut off at once) and `DIR/faults.log`.
public final class FaultRunner: Sendable {
    public let schedule: FaultSchedule
    let directory: ClusterDirectory
    let client: ClientConfiguration
    let restartTimeout: Duration
    private let state = Mutex(State())

    private struct State {
        var events: [FaultEvent] = []
        var down: Set<Int32> = []
        /// Brokers down because they are isolated, which `heal` brings back.
        var isolated: Set<Int32> = []
        var maxDown = 0
    }

    public init(schedule: FaultSchedule, directory: ClusterDirectory, client: ClientConfiguration, restartTimeout: Duration = .seconds(60)) {
        self.schedule = schedule
        self.directory = directory
        self.client = client
        self.restartTimeout = restartTimeout
    }

    /// The faults injected so far, in order.
    public var events: [FaultEvent] { state.withLock { $0.events } }

    /// The most brokers that were down (killed, paused, restarting, isolated or with a full disk) at the same time.
    public var maxConcurrentFailures: Int { state.withLock { $0.maxDown } }

    /// Checks that the cluster directory has a running cluster before the bench starts.
    public func check() throws {
        do {
            _ = try directory.loadRunning()
        } catch {
            throw BenchError("--faults needs a local cluster: \(error.message)")
        }
    }

    /// Runs the schedule on `clock`'s time until its end or until cancelled (the bench ended).
    public func run(clock: BenchClock, progress: @escaping @Sendable (String) -> Void) async {
        var own = client
        own.clientId = "gregor-bench-faults"
        let admin = KafkaAdmin(clientConfiguration: own)
        for entry in schedule.entries {
            do {
                try await clock.sleep(untilElapsed: entry.at.nanoseconds)
            } catch {
                break
            }
            let started = clock.elapsedNanos
            let line: String
            do {
                let nodes = try await resolve(entry, admin: admin)
                let described = "\(entry.action.rawValue) \(nodes.map(String.init).joined(separator: ", "))"
                    + (entry.amountText.map { " " + $0 } ?? "") + (entry.target.isRole ? " (\(entry.target))" : "")
                try await apply(entry, to: nodes)
                let took = (clock.elapsedNanos - started) / 1_000_000
                record(FaultEvent(timeMs: started / 1_000_000, action: described, fault: entry.action.rawValue, nodes: nodes, durationMs: took))
                line = "fault at \(Duration.nanoseconds(started).benchText): \(described)" + (took >= 1000 ? " (took \(Duration.milliseconds(took).benchText))" : "")
            } catch {
                let message = (error as? ClusterError)?.message ?? (error as? BenchError)?.description ?? (error as? KafkaClientError)?.message ?? "\(error)"
                record(FaultEvent(timeMs: started / 1_000_000, action: "\(entry.action.rawValue) \(entry.target) failed: \(message)"))
                line = "fault at \(Duration.nanoseconds(started).benchText): \(entry.action.rawValue) \(entry.target) failed: \(message)"
            }
            FaultLog.append("bench: \(line)", in: directory)
            progress(line)
        }
        await admin.close()
    }

    private func record(_ event: FaultEvent) {
        state.withLock { $0.events.append(event) }
    }

    private func markDown(_ node: Int32, _ isDown: Bool) {
        state.withLock { state in
            if isDown { state.down.insert(node) } else { state.down.remove(node) }
            state.maxDown = max(state.maxDown, state.down.count)
        }
    }

    /// The brokers an entry hits now. `all` keeps only those the action applies to (resume: the
    /// paused ones), and restarts stopped brokers before bouncing running ones.
    private func resolve(_ entry: FaultSchedule.Entry, admin: KafkaAdmin) async throws -> [Int32] {
        switch entry.target {
        case .node(let id):
            return [id]
        case .all:
            let file = try directory.loadRunning()
            let states = file.brokers.map { ($0.nodeId, BrokerProcess($0)?.state ?? .stopped) }
            let chosen: [(Int32, BrokerProcess.State)] =
                switch entry.action {
                case .kill: states.filter { $0.1 != .stopped }
                case .pause, .isolate, .latency, .drop, .slowDisk, .diskFull: states.filter { $0.1 == .running }
                case .resume: states.filter { $0.1 == .paused }
                case .restart: states.filter { $0.1 == .stopped } + states.filter { $0.1 != .stopped }
                case .heal: states.filter { $0.1 != .paused }
                }
            return chosen.map(\.0)
        case .leader(let topic, let partition):
            let metadata = try await admin.describeTopics([topic]).first
            guard let found = metadata?.partition(partition) else { throw BenchError("\(topic)-\(partition) does not exist") }
            guard found.hasLeader else { throw BenchError("\(topic)-\(partition) has no leader now") }
            return [found.leader]
        case .controller:
            guard let leader = try await admin.describeQuorum().leaderId else { throw BenchError("the metadata quorum has no leader now") }
            return [leader]
        case .coordinator(let group):
            return [try await admin.cluster.findCoordinator(group).nodeId]
        }
    }

    private func apply(_ entry: FaultSchedule.Entry, to nodes: [Int32]) async throws {
        let faults = ProcessFaults(directory: directory)
        let settings = BrokerFaultControl(directory: directory)
        let amount = entry.amount ?? 0
        for node in nodes {
            switch entry.action {
            case .kill:
                _ = try await faults.kill(node)
                markDown(node, true)
            case .pause:
                _ = try await faults.pause(node)
                markDown(node, true)
            case .resume:
                _ = try await faults.resume(node)
                markDown(node, false)
            case .restart:
                markDown(node, true)
                _ = try await faults.restart(node, timeout: restartTimeout) { _ in }
                markDown(node, false)
            case .isolate:
                try await settings.change(node) { $0.isolation.allPeers = true }
                state.withLock { _ = $0.isolated.insert(node) }
                markDown(node, true)
            case .heal:
                try await settings.change(node) { settings in
                    settings.healNetwork()
                    settings.healDisk()
                }
                if state.withLock({ $0.isolated.remove(node) != nil }) { markDown(node, false) }
            case .latency:
                try await settings.change(node) { $0.latencyMs = Int(amount) }
            case .drop:
                try await settings.change(node) { $0.dropPercent = amount }
            case .slowDisk:
                try await settings.change(node) { $0.slowDiskMs = Int(amount) }
            case .diskFull:
                // The broker stops at its next write; it is down until healed and restarted.
                try await settings.change(node) { $0.diskFull = true }
                markDown(node, true)
            }
        }
    }
}

extension FaultSchedule.Target {
    /// Whether the target names a role, resolved when the fault fires.
    var isRole: Bool {
        switch self {
        case .node, .all: false
        case .leader, .controller, .coordinator: true
        }
    }
}
