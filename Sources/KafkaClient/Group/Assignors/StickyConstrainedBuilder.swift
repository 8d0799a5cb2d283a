import KafkaRecords

/// The sticky assignment when every member subscribes to the same topics (Kafka's
/// `ConstrainedAssignmentBuilder`, without racks).
///
/// With P partitions and N members each member gets `minQuota` = ⌊P/N⌋ or `maxQuota` = ⌈P/N⌉, and
/// exactly P mod N members get `maxQuota`:
/// 1. Owned partitions are kept: all of them under `minQuota`; `maxQuota` of them while members above
///    `minQuota` are still wanted; else `minQuota` of them. The rest may be revoked.
/// 2. The remaining partitions (topics by name, partitions ascending) are dealt round-robin to members
///    under `minQuota`, then one each to members at `minQuota` until P mod N members reached `maxQuota`.
struct StickyConstrainedBuilder {
    private let partitionsPerTopic: [String: Int]
    private let owned: [String: [TopicPartition]]
    private let multiplyClaimed: Set<TopicPartition>
    private let minQuota: Int
    private let maxQuota: Int
    private let expectedOverMinQuota: Int
    private var currentOverMinQuota = 0
    private var underMinQuota: [String] = []
    private var exactlyMinQuota: [String] = []
    private var maybeRevoked: [TopicPartition: String] = [:]
    private var assignment: [String: [TopicPartition]]
    private var assigned: Set<TopicPartition> = []
    /// Partitions that go to a member other than their previous owner → new owner.
    private(set) var transferring: [TopicPartition: String] = [:]

    init(partitionsPerTopic: [String: Int], owned: [String: [TopicPartition]], multiplyClaimed: Set<TopicPartition>) {
        self.partitionsPerTopic = partitionsPerTopic
        self.owned = owned
        self.multiplyClaimed = multiplyClaimed
        let total = partitionsPerTopic.values.reduce(0, +)
        let members = max(owned.count, 1)
        minQuota = total / members
        maxQuota = (total + members - 1) / members
        expectedOverMinQuota = total % members
        assignment = owned.mapValues { _ in [] }
    }

    mutating func build() -> [String: [TopicPartition]] {
        assignOwnedPartitions()
        let all = [TopicPartition].all(of: partitionsPerTopic.keys.sorted(), counts: partitionsPerTopic)
        let unassigned = all.filter { !assigned.contains($0) }
        underMinQuota.sort()
        exactlyMinQuota.sort()
        assignRoundRobin(unassigned)
        return assignment
    }

    private mutating func assignOwnedPartitions() {
        for (member, partitions) in owned.sorted(by: { $0.key < $1.key }) {
            let ownedPartitions = partitions
                .sorted { ($0.partition, $0.topic) < ($1.partition, $1.topic) }
                .filter { !multiplyClaimed.contains($0) }
            if ownedPartitions.count < minQuota {
                keep(ownedPartitions, for: member)
                underMinQuota.append(member)
            } else if ownedPartitions.count >= maxQuota, currentOverMinQuota < expectedOverMinQuota {
                currentOverMinQuota += 1
                if currentOverMinQuota == expectedOverMinQuota { exactlyMinQuota.removeAll() }
                keep(Array(ownedPartitions.prefix(maxQuota)), for: member)
                for tp in ownedPartitions.dropFirst(maxQuota) { maybeRevoked[tp] = member }
            } else {
                keep(Array(ownedPartitions.prefix(minQuota)), for: member)
                for tp in ownedPartitions.dropFirst(minQuota) { maybeRevoked[tp] = member }
                if currentOverMinQuota < expectedOverMinQuota { exactlyMinQuota.append(member) }
            }
        }
    }

    private mutating func keep(_ partitions: [TopicPartition], for member: String) {
        assignment[member, default: []] += partitions
        assigned.formUnion(partitions)
    }

    /// Java walks `underMinQuota` with an iterator that may remove the member it just returned, and
    /// starts over from the front when it runs out; `cursor` is that iterator's next index.
    private mutating func assignRoundRobin(_ unassigned: [TopicPartition]) {
        var cursor = 0
        for tp in unassigned {
            let member: String
            var fromIterator = false
            if cursor < underMinQuota.count {
                member = underMinQuota[cursor]
                cursor += 1
                fromIterator = true
            } else if underMinQuota.isEmpty, exactlyMinQuota.isEmpty {
                break  // cannot happen with correct quotas (Kafka throws here)
            } else if underMinQuota.isEmpty {
                member = exactlyMinQuota.removeFirst()
            } else {
                cursor = 1
                member = underMinQuota[0]
                fromIterator = true
            }
            let count = assignNewPartition(tp, to: member)
            if count == minQuota {
                if fromIterator {
                    cursor -= 1
                    underMinQuota.remove(at: cursor)
                }
                exactlyMinQuota.append(member)
            } else if count == maxQuota {
                currentOverMinQuota += 1
            }
        }
    }

    private mutating func assignNewPartition(_ tp: TopicPartition, to member: String) -> Int {
        assignment[member, default: []].append(tp)
        if let previous = maybeRevoked[tp], previous != member {
            transferring[tp] = member
        } else if multiplyClaimed.contains(tp) {
            transferring[tp] = member
        }
        return assignment[member]?.count ?? 0
    }
}
