import Replication

extension ReplicationSimulation {
    /// An acks=all produce of 1–3 unique values, mostly to the controller's leader, sometimes to any
    /// broker (a producer with stale metadata may reach a deposed leader that does not know it yet).
    mutating func produce() throws(SimulationFailure) {
        let target = random.chance(0.85) ? controller.registration.leader : Int32.random(in: 1...Int32(replicationFactor), using: &random)
        guard let target, nodes[Int(target - 1)].alive, !network.isolated.contains(target) else { return }
        let index = Int(target - 1)
        guard case .leader(var leader) = nodes[index].role else { return }
        if leader.checkAppend(requiredAcks: -1) != nil {
            checker.produceRefused()
            return
        }
        let count = Int.random(in: 1...3, using: &random)
        let values = Array(nextValue..<(nextValue + count))
        nextValue += count
        let base = nodes[index].log.logEndOffset
        let end = nodes[index].log.appendAsLeader(values, epoch: leader.leaderEpoch)
        leader.didAppend(logEndOffset: end, now: now)
        nodes[index].role = .leader(leader)
        let id = nextProduceId
        nextProduceId += 1
        nodes[index].produces[id] = .init(values: values, baseOffset: base)
        nodes[index].purgatory.add(id, requiredOffset: end, deadlineMs: now + 1_000)
        try completeProduces(index)
    }

    /// Answers what the broker's purgatory can answer; acknowledged values are recorded at their offsets.
    mutating func completeProduces(_ index: Int) throws(SimulationFailure) {
        guard !nodes[index].purgatory.isEmpty else { return }
        let answered = nodes[index].purgatory.complete(leader: nodes[index].leader, now: now)
        for (token, result) in answered {
            guard let produce = nodes[index].produces.removeValue(forKey: token) else { continue }
            switch result {
            case .success:
                for (position, value) in produce.values.enumerated() {
                    do { try checker.acknowledge(value, at: produce.baseOffset + Int64(position)) } catch { throw failure(error.description) }
                }
            case .failure:
                checker.produceFailed(1)
            }
        }
    }

    /// A consumer fetch from a broker that believes it leads (possibly a deposed one), from a random
    /// offset below its high watermark.
    mutating func consume() throws(SimulationFailure) {
        let leaders = nodes.indices.filter { nodes[$0].alive && !network.isolated.contains(nodes[$0].id) && nodes[$0].leader != nil }
        guard let index = leaders.randomElement(using: &random), case .leader(var leader) = nodes[index].role else { return }
        let offset = Int64.random(in: 0...max(0, leader.highWatermark), using: &random)
        let request = ReplicaFetchRequest(
            replicaId: ReplicaFetchRequest.consumerReplicaId, currentLeaderEpoch: leader.leaderEpoch, fetchOffset: offset, maxBytes: 10)
        let response = leader.handleFetch(request, log: nodes[index].log, now: now).response
        nodes[index].role = .leader(leader)
        for batch in response.batches {
            for (position, value) in batch.values.enumerated() {
                let at = batch.baseOffset + Int64(position)
                guard at < response.highWatermark else { throw failure("consumer read offset \(at) above the high watermark \(response.highWatermark)") }
                do { try checker.observe(value, at: at) } catch { throw failure(error.description) }
            }
        }
    }
}
