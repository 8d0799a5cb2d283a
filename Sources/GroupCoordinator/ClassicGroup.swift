import KafkaRecords
import NIOCore

/// One classic group's state (Kafka's `GroupMetadata`): members, generation, leader, chosen protocol,
/// committed offsets, and the deadlines of the rebalance in progress. Changed only through
/// `GroupCoordinatorShard`, which keeps the state machine's rules.
public struct ClassicGroup: Sendable {
    public let groupId: String
    public internal(set) var state: GroupState = .empty
    /// When the group entered its current state (stored as `currentStateTimestamp`; offsets of an empty
    /// group expire from it).
    public internal(set) var stateTimestamp: Int64 = -1
    public internal(set) var generationId: Int32 = 0
    public internal(set) var protocolType: String?
    public internal(set) var protocolName: String?
    public internal(set) var leaderId: String?
    public internal(set) var members: [String: GroupMember] = [:]
    /// Member order of arrival, so answers list members in a stable order.
    var memberOrder: [String] = []
    /// `group.instance.id` → member id.
    var staticMembers: [String: String] = [:]
    /// Member ids handed out with MEMBER_ID_REQUIRED, with their expiry.
    var pendingMembers: [String: Int64] = [:]
    /// Members of the new generation that have not sent SyncGroup yet.
    var pendingSyncMembers: Set<String> = []
    public internal(set) var offsets: [TopicPartition: CommittedOffset] = [:]

    /// When the rebalance in progress completes at the latest.
    var joinDeadline: Int64?
    /// For the first rebalance of a new group: Kafka's InitialDelayedJoin extends the wait while new
    /// members keep arriving, up to the rebalance timeout.
    var initialDelay: (delay: Int64, remaining: Int64)?
    var newMemberAdded = false
    /// When members still missing a SyncGroup are removed.
    var syncDeadline: Int64?

    public init(groupId: String) { self.groupId = groupId }

    public var size: Int { members.count }
    public func has(_ memberId: String) -> Bool { members[memberId] != nil }
    public func isLeader(_ memberId: String) -> Bool { leaderId == memberId }
    public var orderedMembers: [GroupMember] { memberOrder.compactMap { members[$0] } }

    /// The longest rebalance timeout of any member: how long a rebalance may take.
    var rebalanceTimeoutMs: Int64 { Int64(members.values.map(\.rebalanceTimeoutMs).max() ?? 0) }

    var numAwaitingJoin: Int { members.values.filter(\.isAwaitingJoin).count }
    var hasAllMembersJoined: Bool { members.count == numAwaitingJoin && pendingMembers.isEmpty }
    var canRebalance: Bool { GroupState.preparingRebalance.validPreviousStates.contains(state) }

    mutating func transition(to next: GroupState, now: Int64) {
        assert(next.validPreviousStates.contains(state), "\(groupId): \(state) -> \(next) is not a valid transition")
        state = next
        stateTimestamp = now
    }

    // MARK: Members

    mutating func add(_ member: GroupMember) {
        if members.isEmpty { protocolType = member.protocolType }
        if leaderId == nil { leaderId = member.memberId }
        if let instance = member.groupInstanceId { staticMembers[instance] = member.memberId }
        members[member.memberId] = member
        memberOrder.append(member.memberId)
        pendingMembers[member.memberId] = nil
    }

    /// Removes a member; a new leader is chosen among the rest when it led.
    mutating func remove(_ memberId: String) {
        if let member = members.removeValue(forKey: memberId) {
            memberOrder.removeAll { $0 == memberId }
            if let instance = member.groupInstanceId { staticMembers[instance] = nil }
        }
        if leaderId == memberId { leaderId = memberOrder.first }
        pendingMembers[memberId] = nil
        pendingSyncMembers.remove(memberId)
    }

    /// The static member with this instance id, if any.
    public func staticMemberId(_ instanceId: String) -> String? { staticMembers[instanceId] }

    // MARK: Protocols

    /// Whether a member offering these protocols can join: any, in an empty group; else the same
    /// protocol type and at least one protocol every member supports (vacuously any while a group
    /// rebalances without members, e.g. its only member left during the initial delay).
    func supportsProtocols(type: String, names: [String]) -> Bool {
        if state == .empty { return !type.isEmpty && !names.isEmpty }
        return protocolType == type && (members.isEmpty || names.contains { candidateProtocols.contains($0) })
    }

    /// Protocols that every member supports.
    var candidateProtocols: Set<String> {
        var candidates: Set<String>?
        for member in members.values {
            let names = Set(member.protocols.map(\.name))
            candidates = candidates.map { $0.intersection(names) } ?? names
        }
        return candidates ?? []
    }

    /// Each member votes for its first preference among the candidates; the most votes win (ties go to
    /// the name first in order, so the choice is deterministic).
    func selectProtocol() -> String? {
        let candidates = candidateProtocols
        var votes: [String: Int] = [:]
        for member in orderedMembers { if let vote = member.vote(candidates) { votes[vote, default: 0] += 1 } }
        return votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }

    /// Topics the members subscribe to, when the group speaks the consumer protocol (for OffsetDelete
    /// and offset expiry), or nil when unknown.
    func subscribedTopics() -> Set<String>? {
        guard protocolType == ConsumerSubscription.protocolType, let protocolName else { return nil }
        var topics = Set<String>()
        for member in members.values {
            guard let bytes = member.metadata(for: protocolName), let subscription = ConsumerSubscription(bytes) else {
                return nil
            }
            topics.formUnion(subscription.topics)
        }
        return topics
    }
}

/// A committed offset with what came with it (Kafka's `OffsetAndMetadata`).
public struct CommittedOffset: Sendable, Hashable {
    public var offset: Int64
    public var leaderEpoch: Int32
    public var metadata: String
    public var commitTimestamp: Int64
    /// Only v1 commits carried an explicit expiry.
    public var expireTimestamp: Int64?

    public init(offset: Int64, leaderEpoch: Int32 = -1, metadata: String = "", commitTimestamp: Int64, expireTimestamp: Int64? = nil) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestamp = commitTimestamp
        self.expireTimestamp = expireTimestamp
    }
}
