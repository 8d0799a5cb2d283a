import KafkaRecords

extension StickyGeneralBuilder {
    /// Steps 3 and 4 (Kafka's `balance`).
    mutating func balance(previous: [TopicPartition: (member: String, generation: Int32)], unassigned: [TopicPartition]) {
        let initializing = byLoad.last.map { load($0) == 0 } ?? true
        for tp in unassigned where !(topicMembers[tp.topic] ?? []).isEmpty { assignToLeastLoaded(tp) }

        // Only partitions with two or more potential members, and members that could change, take part.
        let fixedTopics = Set(topicMembers.filter { $0.value.count < 2 }.map(\.key))
        sortedAllPartitions.removeAll { fixedTopics.contains($0.topic) }
        let reassignableUnassigned = unassigned.filter { !fixedTopics.contains($0.topic) }
        var fixed: [String: [TopicPartition]] = [:]
        for member in memberTopics.keys.sorted() where !canParticipate(member) {
            byLoad.remove(member)
            fixed[member] = current.removeValue(forKey: member)
        }

        let before = current
        let ownersBefore = owner
        if !revocationRequired { _ = performReassignments(reassignableUnassigned, previous: previous) }
        let performed = performReassignments(sortedAllPartitions, previous: previous)
        if !initializing, performed, Self.balanceScore(current) >= Self.balanceScore(before) {
            current = before
            owner = ownersBefore
        }
        for (member, partitions) in fixed {
            current[member] = partitions
            insertByLoad(member)
        }
    }

    private mutating func assignToLeastLoaded(_ tp: TopicPartition) {
        guard let member = byLoad.members.first(where: { memberTopics[$0]?.contains(tp.topic) == true }) else { return }
        byLoad.remove(member)
        current[member, default: []].append(tp)
        owner[tp] = member
        insertByLoad(member)
    }

    private func maxAssignmentSize(_ member: String) -> Int {
        let topics = memberTopics[member] ?? []
        if topics.count == partitionsPerTopic.count { return totalPartitions }
        return topics.reduce(0) { $0 + (partitionsPerTopic[$1] ?? 0) }
    }

    private func canParticipate(_ member: String) -> Bool {
        if load(member) < maxAssignmentSize(member) { return true }
        return (current[member] ?? []).contains { (topicMembers[$0.topic]?.count ?? 0) >= 2 }
    }

    /// Whether no partition can move to a member with ≥ 2 fewer partitions (Kafka's `isBalanced`).
    private func isBalanced() -> Bool {
        guard let first = byLoad.first, let last = byLoad.last else { return true }
        if load(first) >= load(last) - 1 { return true }
        for member in byLoad.members {
            let count = load(member)
            if count == maxAssignmentSize(member) { continue }
            let mine = Set(current[member] ?? [])
            for topic in memberTopics[member] ?? [] {
                for partition in 0..<(partitionsPerTopic[topic] ?? 0) {
                    let tp = TopicPartition(topic, Int32(partition))
                    guard !mine.contains(tp), let other = owner[tp], current[other] != nil else { continue }
                    if count + 1 < load(other) { return false }
                }
            }
        }
        return true
    }

    /// Sum over member pairs of the difference in partition counts; 0 is perfectly balanced.
    static func balanceScore(_ assignment: [String: [TopicPartition]]) -> Int {
        let counts = assignment.values.map(\.count)
        var score = 0
        for i in counts.indices { for j in counts.indices where j > i { score += abs(counts[i] - counts[j]) } }
        return score
    }

    private mutating func performReassignments(
        _ partitions: [TopicPartition], previous: [TopicPartition: (member: String, generation: Int32)]
    ) -> Bool {
        var performed = false
        var modified = true
        var rounds = 0
        // Kafka loops until nothing moves; the bound only guards against input that never settles.
        while modified, rounds < max(100, partitions.count * 4) {
            modified = false
            rounds += 1
            for tp in partitions {
                if isBalanced() { break }
                guard let member = owner[tp], current[member] != nil else { continue }
                if let prior = previous[tp], current[prior.member] != nil, load(member) > load(prior.member) + 1 {
                    reassign(tp, to: prior.member)
                    performed = true
                    modified = true
                    continue
                }
                for other in topicMembers[tp.topic] ?? [] where current[other] != nil && load(member) > load(other) + 1 {
                    if let target = byLoad.members.first(where: { memberTopics[$0]?.contains(tp.topic) == true }) {
                        reassign(tp, to: target)
                        performed = true
                        modified = true
                    }
                    break
                }
            }
        }
        return performed
    }

    private mutating func reassign(_ tp: TopicPartition, to newOwner: String) {
        guard let oldOwner = owner[tp] else { return }
        let moving = movements.partitionToMove(tp, from: oldOwner, to: newOwner)
        guard let from = owner[moving] else { return }
        byLoad.remove(from)
        byLoad.remove(newOwner)
        movements.move(moving, from: from, to: newOwner)
        current[from]?.removeAll { $0 == moving }
        current[newOwner, default: []].append(moving)
        owner[moving] = newOwner
        insertByLoad(newOwner)
        insertByLoad(from)
    }
}
