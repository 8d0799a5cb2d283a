import KafkaProtocol
import NIOCore

/// The classic groups whose coordinator is one `__consumer_offsets` partition (Kafka's coordinator
/// shard): the group state machine, committed offsets, and the deadlines of rebalances and sessions.
///
/// No I/O and no clock: every operation takes `now` (ms) and returns `CoordinatorEffects` — records for
/// the shell to append, and the answers of held JoinGroup/SyncGroup requests to deliver once they are
/// written. `advance(to:)` fires due deadlines. Tests drive it directly with a fake clock.
public struct GroupCoordinatorShard: Sendable {
    /// The `__consumer_offsets` partition this shard owns.
    public let partition: Int32
    public var config: GroupCoordinatorConfig
    public internal(set) var groups: [String: ClassicGroup] = [:]
    var random: SplitMix64

    public init(partition: Int32, config: GroupCoordinatorConfig = GroupCoordinatorConfig(), seed: UInt64) {
        self.partition = partition
        self.config = config
        self.random = SplitMix64(seed: seed)
    }

    public func group(_ groupId: String) -> ClassicGroup? { groups[groupId] }

    /// `clientId-<uuid>`, or `groupInstanceId-<uuid>` for a static member, as Kafka names members.
    mutating func newMemberId(clientId: String, groupInstanceId: String?) -> String {
        (groupInstanceId ?? clientId) + "-" + random.nextUUIDString()
    }

    /// Kafka's `validateCurrentMember`: a static member must be the one its instance id maps to; a
    /// dynamic member must exist.
    func validateCurrentMember(_ group: ClassicGroup, memberId: String, groupInstanceId: String?) -> ErrorCode? {
        if let instanceId = groupInstanceId {
            guard let current = group.staticMemberId(instanceId) else { return .unknownMemberId }
            return current == memberId ? nil : .fencedInstanceId
        }
        return group.has(memberId) ? nil : .unknownMemberId
    }

    /// A fresh heartbeat deadline for a member (after a heartbeat, a join or a sync).
    mutating func scheduleHeartbeat(_ groupId: String, _ memberId: String, now: Int64) {
        guard let timeout = groups[groupId]?.members[memberId]?.sessionTimeoutMs else { return }
        groups[groupId]?.members[memberId]?.heartbeatDeadline = now + Int64(timeout)
    }

    /// The earliest moment `advance(to:)` has work to do, if any.
    public var nextDeadline: Int64? {
        var earliest: Int64?
        func consider(_ time: Int64?) {
            guard let time else { return }
            earliest = min(earliest ?? time, time)
        }
        for group in groups.values {
            consider(group.joinDeadline)
            consider(group.syncDeadline)
            for deadline in group.pendingMembers.values { consider(deadline) }
            for member in group.members.values { consider(member.heartbeatDeadline) }
        }
        return earliest
    }
}

/// A small deterministic random generator (SplitMix64), so member ids are reproducible in tests.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4 UUID in its usual text form, as Java's `UUID.randomUUID().toString()` prints.
    mutating func nextUUIDString() -> String {
        let high = (next() & ~0xF000) | 0x4000
        let low = (next() & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(hex(high >> 32, 8))-\(hex((high >> 16) & 0xFFFF, 4))-\(hex(high & 0xFFFF, 4))-\(hex(low >> 48, 4))-\(hex(low & 0xFFFF_FFFF_FFFF, 12))"
    }
}
