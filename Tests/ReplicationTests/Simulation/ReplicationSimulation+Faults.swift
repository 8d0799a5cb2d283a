import Replication

extension ReplicationSimulation {
    /// How many replicas may be unavailable (down, or restarted after losing data and not yet back
    /// in the ISR) at once: RF − min.insync.replicas.
    var faultBudget: Int { replicationFactor - config.minInsyncReplicas }

    var unavailable: Set<Int32> { Set(nodes.filter { !$0.alive }.map(\.id)).union(damaged) }

    mutating func injectFaults() {
        var id = Int32.random(in: 1...Int32(replicationFactor), using: &random)
        if let leader = controller.registration.leader, random.chance(0.3) { id = leader }  // leader changes are where it gets hard
        let index = Int(id - 1)
        if random.chance(crashChance), nodes[index].alive {
            let powerLoss = random.chance(0.5)
            if canCrash(id, losingData: powerLoss) { crash(index, powerLoss: powerLoss) }
        }
        if random.chance(0.02), !nodes[index].alive, now - (crashedAt[id] ?? 0) >= 20 { restart(index) }
        if random.chance(isolateChance), !network.isolated.contains(id) {
            note("isolate broker \(id)")
            network.isolate(id)
        }
        if random.chance(0.02), network.isolated.contains(id) {
            note("heal broker \(id)")
            network.heal(id)
        }
    }

    /// Within the budget, and a power loss only while another live, undamaged ISR member holds the
    /// committed records (Kafka's acks=all guarantee rests on replicas, not on fsync).
    func canCrash(_ id: Int32, losingData: Bool) -> Bool {
        guard unavailable.union([id]).count <= faultBudget else { return false }
        guard losingData else { return true }
        return controller.registration.isr.contains { member in
            member != id && nodes[Int(member - 1)].alive && !damaged.contains(member)
        }
    }

    mutating func crash(_ index: Int, powerLoss: Bool) {
        let id = nodes[index].id
        if powerLoss {
            note("power loss on broker \(id): log \(nodes[index].log.logEndOffset) → flushed \(nodes[index].log.flushedOffset)")
            checker.produceFailed(nodes[index].produces.count)
            nodes[index].powerLoss()
            damaged.insert(id)
            unreportedDataLoss.insert(id)
        } else {
            note("kill -9 broker \(id)")
            checker.produceFailed(nodes[index].produces.count)
            nodes[index].crash()
        }
        crashedAt[id] = now
        network.dropAll(involving: id)
    }

    mutating func restart(_ index: Int) {
        note("restart broker \(nodes[index].id) with broker epoch \(nextBrokerEpoch)")
        nodes[index].restart(brokerEpoch: nextBrokerEpoch)
        nextBrokerEpoch += 1
    }

    /// Every broker is up and knows the current registration, the ISR is full, and every log equals
    /// the leader's with the high watermark at the log end.
    var isConverged: Bool {
        let registration = controller.registration
        guard let leaderId = registration.leader, registration.isr.count == replicationFactor else { return false }
        let leaderNode = nodes[Int(leaderId - 1)]
        guard let leader = leaderNode.leader, leader.leaderEpoch == registration.leaderEpoch,
            leader.isrState == .committed(isr: registration.isr), leader.highWatermark == leaderNode.log.logEndOffset
        else { return false }
        return nodes.allSatisfy { node in
            node.alive && node.metadata == registration && node.log.records == leaderNode.log.records
                && node.highWatermark == leader.highWatermark
        }
    }

    func describe() -> String {
        var lines = ["controller: \(controller.registration)"]
        for node in nodes {
            let role: String
            switch node.role {
            case .none: role = "no role"
            case .leader(let leader):
                role = "leader epoch \(leader.leaderEpoch) isr \(leader.isrState.isr.sorted()) maximal \(leader.isrState.maximalIsr.sorted()) HW \(leader.highWatermark)"
            case .follower(let follower): role = "follower of \(follower.leader) epoch \(follower.leaderEpoch) HW \(follower.highWatermark)"
            }
            lines.append(
                "broker \(node.id): \(node.alive ? "up" : "down") epoch \(node.brokerEpoch) \(role) LEO \(node.log.logEndOffset) epochs \(node.log.epochs.entries.map { "\($0.epoch)@\($0.startOffset)" })")
        }
        return lines.joined(separator: "\n  ")
    }
}
