import Replication
import Simulation

/// A seeded run of one partition's replicas under faults: a controller stand-in, RF brokers, a lossy
/// network, an acks=all producer with unique values and a consumer reading below the high watermark.
/// Everything random comes from one seed, so a failing run replays exactly.
struct ReplicationSimulation {
    typealias Message = ReplicationMessage<RecordsBatch>
    static let controllerId: Int32 = 0

    let seed: UInt64
    let replicationFactor: Int
    let config: ReplicationConfig
    let tickMs: Int64 = 5
    let faultPhaseMs: Int64
    let convergenceDeadlineMs: Int64 = 30_000
    var random: SeededRandom
    /// Per tick: the chance a reachable broker catches up with the controller's metadata, and the
    /// chances of each fault.
    let metadataChance: Double
    let crashChance: Double
    let isolateChance: Double
    /// Records per follower fetch: small values keep followers behind for longer.
    let fetchMaxRecords: Int
    var network: SimulatedNetwork<Message>
    var controller: SimulatedController
    var nodes: [SimulatedReplicaNode]
    var now: Int64 = 0
    var nextBrokerEpoch: Int64 = 1
    /// Brokers that lost their unflushed tail and have not rejoined the ISR since.
    var damaged: Set<Int32> = []
    var crashedAt: [Int32: Int64] = [:]
    var nextValue = 1
    var nextProduceId = 1
    var checker = ReplicationInvariants()
    var events: [String] = []
    private var notedRegistration: PartitionRegistration?

    /// Brokers that restarted after a power loss and have not yet told the controller (KIP-966).
    var unreportedDataLoss: Set<Int32> = []

    init(seed: UInt64, controllerOptions: SimulatedController.Options = .init()) {
        self.seed = seed
        var random = SeededRandom(seed: seed)
        replicationFactor = random.chance(0.25) ? 5 : 3
        config = ReplicationConfig(minInsyncReplicas: controllerOptions.minInsyncReplicas, replicaLagTimeMaxMs: 400)
        faultPhaseMs = 2_000
        let faults = SimulatedNetwork<Message>.Faults(
            dropRate: Double.random(in: 0..<0.1, using: &random), duplicateRate: Double.random(in: 0..<0.05, using: &random),
            minDelayMs: 1, maxDelayMs: Int64.random(in: 2...30, using: &random))
        network = SimulatedNetwork(faults: faults)
        metadataChance = Double.random(in: 0.05...0.5, using: &random)
        crashChance = Double.random(in: 0.002...0.02, using: &random)
        isolateChance = Double.random(in: 0.002...0.01, using: &random)
        fetchMaxRecords = Int.random(in: 1...20, using: &random)
        let replicas = (1...Int32(replicationFactor)).map { $0 }
        controller = SimulatedController(replicas: replicas, options: controllerOptions)
        nodes = []
        for id in replicas {
            nodes.append(SimulatedReplicaNode(id: id, brokerEpoch: nextBrokerEpoch))
            nextBrokerEpoch += 1
        }
        self.random = random
    }

    /// Faults for a while, then heal everything and wait until the replicas converge.
    mutating func run() throws(SimulationFailure) {
        while now < faultPhaseMs { try tick(faults: true) }
        note("faults stop: heal the network, restart crashed brokers")
        network.healAll()
        network.faults = .init(dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: network.faults.maxDelayMs)
        for index in nodes.indices where !nodes[index].alive { restart(index) }
        while !isConverged {
            guard now < faultPhaseMs + convergenceDeadlineMs else { throw failure("no convergence: \(describe())") }
            try tick(faults: false)
        }
        do { try checker.checkFinal(leaderLog: nodes[Int(controller.registration.leader! - 1)].log) } catch { throw failure(error.description) }
    }

    mutating func tick(faults: Bool) throws(SimulationFailure) {
        now += tickMs
        if faults { injectFaults() }
        for node in nodes where node.alive && !network.isolated.contains(node.id) {
            let lostData = unreportedDataLoss.remove(node.id) != nil
            controller.heartbeat(from: node.id, brokerEpoch: node.brokerEpoch, lostData: lostData, now: now)
        }
        controller.expireSessions(now: now)
        noteControllerChange()
        propagateMetadata()
        for envelope in network.deliverable(now: now) { try deliver(envelope) }
        noteControllerChange()
        for index in nodes.indices where nodes[index].alive { try runTimers(index) }
        for index in nodes.indices where nodes[index].alive && random.chance(0.05) { nodes[index].log.flush() }
        for id in damaged where controller.registration.isr.contains(id) && nodes[Int(id - 1)].alive { damaged.remove(id) }
        if faults {
            if random.chance(0.3) { try produce() }
            if random.chance(0.3) { try consume() }
        }
        do { try checker.checkStep(nodes: nodes, controller: controller.registration) } catch { throw failure(error.description) }
    }

    /// Metadata reaches each reachable broker some ticks after the controller changed it.
    mutating func propagateMetadata() {
        let current = controller.registration
        for index in nodes.indices where nodes[index].alive && !network.isolated.contains(nodes[index].id) {
            guard nodes[index].metadata != current, random.chance(metadataChance) else { continue }
            if let known = nodes[index].metadata, (known.leaderEpoch, known.partitionEpoch) > (current.leaderEpoch, current.partitionEpoch) {
                continue
            }
            let failed = nodes[index].applyMetadata(current, config: config, now: now)
            checker.produceFailed(failed.count)
        }
    }

    mutating func deliver(_ envelope: SimulatedNetwork<Message>.Envelope) throws(SimulationFailure) {
        if envelope.to == Self.controllerId {
            if case .alterPartition(let request) = envelope.message {
                let response = controller.alterPartition(request)
                send(from: Self.controllerId, to: envelope.from, .alterPartitionResponse(request: request, response: response))
            }
            return
        }
        let index = Int(envelope.to - 1)
        guard nodes[index].alive else { return }
        switch envelope.message {
        case .fetch(let request):
            answerFetch(request, at: index, from: envelope.from)
        case .fetchResponse(let response):
            guard case .follower(var follower) = nodes[index].role else { return }
            if response.request == nodes[index].fetchInFlight { nodes[index].fetchInFlight = nil }
            let outcome = follower.handleFetchResponse(response, log: &nodes[index].log)
            nodes[index].role = .follower(follower)
            switch outcome {
            case .failed, .appendFailed: nodes[index].nextFetchAt = now + 50
            case .truncated(let offset): note("broker \(envelope.to) truncates to \(offset)")
            default: nodes[index].nextFetchAt = now + Int64.random(in: 0...10, using: &random)
            }
        case .alterPartitionResponse(let request, let response):
            guard case .leader(var leader) = nodes[index].role else { return }
            let outcome = leader.handleAlterPartitionResponse(response, to: request, now: now)
            nodes[index].role = .leader(leader)
            if case .committed = outcome { try completeProduces(index) }
            if outcome == .reverted { nodes[index].alterPartitionSentAt = nil }
        case .alterPartition:
            break
        }
    }

    mutating func answerFetch(_ request: ReplicaFetchRequest, at index: Int, from sender: Int32) {
        guard case .leader(var leader) = nodes[index].role else {
            let error = LeaderEpochValidation.check(
                requestEpoch: request.currentLeaderEpoch, localEpoch: nodes[index].knownLeaderEpoch, isLeader: false)
            send(from: nodes[index].id, to: sender, .fetchResponse(.failure(error ?? .notLeaderOrFollower, for: request)))
            return
        }
        let (response, effects) = leader.handleFetch(request, log: nodes[index].log, now: now)
        nodes[index].role = .leader(leader)
        send(from: nodes[index].id, to: sender, .fetchResponse(response))
        if let alter = effects.alterPartition { sendAlterPartition(alter, from: index) }
    }

    mutating func runTimers(_ index: Int) throws(SimulationFailure) {
        switch nodes[index].role {
        case .none:
            break
        case .follower(let follower):
            let idle = nodes[index].fetchInFlight == nil || now - nodes[index].fetchSentAt > 200
            guard idle, now >= nodes[index].nextFetchAt else { return }
            let request = follower.fetchRequest(log: nodes[index].log, maxBytes: fetchMaxRecords)
            nodes[index].fetchInFlight = request
            nodes[index].fetchSentAt = now
            send(from: nodes[index].id, to: follower.leader, .fetch(request))
        case .leader(var leader):
            if let shrink = leader.maybeShrinkIsr(now: now) {
                nodes[index].role = .leader(leader)
                sendAlterPartition(shrink, from: index)
            } else if let pending = leader.isrState.pendingRequest, now - (nodes[index].alterPartitionSentAt ?? 0) > 300 {
                sendAlterPartition(pending, from: index)
            }
            try completeProduces(index)
        }
    }

    mutating func sendAlterPartition(_ request: AlterPartitionRequest, from index: Int) {
        nodes[index].alterPartitionSentAt = now
        send(from: nodes[index].id, to: Self.controllerId, .alterPartition(request))
    }

    mutating func send(from: Int32, to: Int32, _ message: Message) {
        network.send(from: from, to: to, message, now: now, random: &random)
    }

    func failure(_ message: String) -> SimulationFailure {
        SimulationFailure(seed: seed, timeMs: now, message: message, recentEvents: events.suffix(40))
    }

    mutating func noteControllerChange() {
        guard controller.registration != notedRegistration else { return }
        notedRegistration = controller.registration
        note("controller: \(controller.registration) elr=\(controller.eligibleLeaders.sorted())")
    }

    mutating func note(_ event: String) {
        events.append("[\(now) ms] \(event)")
        if events.count > 200 { events.removeFirst(100) }
    }
}
