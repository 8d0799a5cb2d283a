import Replication

/// A broken simulation invariant.
struct InvariantViolation: Error, CustomStringConvertible {
    var description: String
}

/// What the replication simulation checks, at every step and at the end:
/// (a) every acknowledged acks=all write stays at its offset on the current leader, and at the end;
/// (b) what a consumer read below a high watermark never changes, and the current leader holds it;
/// (c) a leader's high watermark never moves back within its epoch; at most one leader per epoch.
/// Convergence (d) is `ReplicationSimulation.isConverged`.
struct ReplicationInvariants {
    private(set) var acknowledged: [Int64: Int] = [:]
    private(set) var observed: [Int64: Int] = [:]
    /// Acknowledged or observed records in the order they became known.
    private var committed: [(offset: Int64, value: Int)] = []
    private var verifiedLeader: (id: Int32, epoch: Int32)?
    private var verifiedCount = 0
    private var leaderHighWatermarks: [Int32: (epoch: Int32, highWatermark: Int64)] = [:]
    private(set) var refused = 0
    private(set) var failed = 0

    mutating func produceRefused() { refused += 1 }
    mutating func produceFailed(_ count: Int) { failed += count }

    mutating func acknowledge(_ value: Int, at offset: Int64) throws(InvariantViolation) {
        if let other = acknowledged[offset] ?? observed[offset], other != value {
            throw InvariantViolation(description: "value \(value) acknowledged at offset \(offset), which already holds \(other)")
        }
        if acknowledged.updateValue(value, forKey: offset) == nil, observed[offset] == nil { committed.append((offset, value)) }
    }

    mutating func observe(_ value: Int, at offset: Int64) throws(InvariantViolation) {
        if let other = observed[offset] ?? acknowledged[offset], other != value {
            throw InvariantViolation(description: "a consumer read \(value) at offset \(offset), which was \(other) before")
        }
        if observed.updateValue(value, forKey: offset) == nil, acknowledged[offset] == nil { committed.append((offset, value)) }
    }

    mutating func checkStep(nodes: [SimulatedReplicaNode], controller: PartitionRegistration) throws(InvariantViolation) {
        var leaderOfEpoch: [Int32: Int32] = [:]
        for node in nodes {
            guard node.alive, let leader = node.leader else {
                leaderHighWatermarks[node.id] = nil
                continue
            }
            if let other = leaderOfEpoch.updateValue(node.id, forKey: leader.leaderEpoch) {
                throw InvariantViolation(description: "brokers \(other) and \(node.id) both lead epoch \(leader.leaderEpoch)")
            }
            if let previous = leaderHighWatermarks[node.id], previous.epoch == leader.leaderEpoch, leader.highWatermark < previous.highWatermark {
                throw InvariantViolation(
                    description: "leader \(node.id) moved its high watermark back from \(previous.highWatermark) to \(leader.highWatermark) in epoch \(leader.leaderEpoch)")
            }
            leaderHighWatermarks[node.id] = (leader.leaderEpoch, leader.highWatermark)
        }
        guard let leaderId = controller.leader else { return }
        let node = nodes[Int(leaderId - 1)]
        guard node.alive, let leader = node.leader, leader.leaderEpoch == controller.leaderEpoch else { return }
        if verifiedLeader?.id != leaderId || verifiedLeader?.epoch != leader.leaderEpoch {
            verifiedLeader = (leaderId, leader.leaderEpoch)
            verifiedCount = 0
        }
        for entry in committed[verifiedCount...] where node.log.value(at: entry.offset) != entry.value {
            throw InvariantViolation(
                description: "leader \(leaderId) in epoch \(leader.leaderEpoch) lacks committed value \(entry.value) at offset \(entry.offset) "
                    + "(has \(node.log.value(at: entry.offset).map(String.init) ?? "nothing"))")
        }
        verifiedCount = committed.count
    }

    func checkFinal(leaderLog: InMemoryReplicaLog) throws(InvariantViolation) {
        for (offset, value) in acknowledged.sorted(by: { $0.key < $1.key }) where leaderLog.value(at: offset) != value {
            throw InvariantViolation(description: "acknowledged value \(value) lost from offset \(offset)")
        }
        for (offset, value) in observed.sorted(by: { $0.key < $1.key }) where leaderLog.value(at: offset) != value {
            throw InvariantViolation(description: "value \(value) a consumer read at offset \(offset) is gone")
        }
    }
}
