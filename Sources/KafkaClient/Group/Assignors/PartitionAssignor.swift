import KafkaRecords
import NIOCore

/// How members hand partitions over in a rebalance (Kafka's `RebalanceProtocol`, KIP-429).
///
/// A group uses the highest protocol every configured assignor supports: Kafka's default assignor list
/// `[range, cooperative-sticky]` therefore rebalances eagerly, and only `[cooperative-sticky]` alone
/// rebalances cooperatively.
public enum RebalanceProtocol: Int, Sendable, Hashable, Comparable {
    /// Every member revokes everything before it rejoins; the leader assigns from scratch.
    case eager = 0
    /// Members keep their partitions through the rebalance; a partition that moves is first revoked by
    /// its owner (which then rejoins) and assigned in a second rebalance.
    case cooperative = 1

    public static func < (lhs: RebalanceProtocol, rhs: RebalanceProtocol) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A partition assignment strategy of the classic consumer protocol (Kafka's `ConsumerPartitionAssignor`).
///
/// The group leader runs the strategy the coordinator selected, over every member's subscription; each
/// assignor's name is the JoinGroup protocol name, so members of other clients that support the same
/// name can share the group. Implementations must be deterministic and pure.
public protocol PartitionAssignor: Sendable {
    /// The JoinGroup protocol name (`range`, `roundrobin`, `cooperative-sticky`).
    var name: String { get }
    /// The rebalance protocols this assignor can work with.
    var supportedProtocols: [RebalanceProtocol] { get }
    /// The `userData` this member sends in its subscription for this assignor. `generation` is the
    /// generation of the member's last assignment, or -1.
    func subscriptionUserData(topics: [String], generation: Int32) -> ByteBuffer?
    /// Assigns partitions. `partitionsPerTopic` holds every subscribed topic that exists (topic →
    /// partition count); `subscriptions` is keyed by member id. Every member gets an entry.
    func assign(partitionsPerTopic: [String: Int], subscriptions: [String: ConsumerSubscription]) -> [String: [TopicPartition]]
}

extension PartitionAssignor {
    public var supportedProtocols: [RebalanceProtocol] { [.eager] }
    public func subscriptionUserData(topics: [String], generation: Int32) -> ByteBuffer? { nil }
}

/// The rebalance protocol for a list of assignors: the highest one they all support, or nil when they
/// share none (Kafka's `ConsumerCoordinator` constructor).
func commonRebalanceProtocol(_ assignors: [any PartitionAssignor]) -> RebalanceProtocol? {
    guard let first = assignors.first else { return nil }
    var common = Set(first.supportedProtocols)
    for assignor in assignors.dropFirst() { common.formIntersection(assignor.supportedProtocols) }
    return common.max()
}

/// A member as the range and round-robin assignors order them (Kafka's `MemberInfo`): static members
/// (with a `group.instance.id`) first, by instance id; then dynamic members by member id. Ordering by
/// instance id keeps a static member's partitions when its member id changes across restarts.
struct AssignorMember: Comparable {
    var memberId: String
    var groupInstanceId: String?

    static func < (lhs: AssignorMember, rhs: AssignorMember) -> Bool {
        switch (lhs.groupInstanceId, rhs.groupInstanceId) {
        case let (left?, right?): left < right
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs.memberId < rhs.memberId
        }
    }

    static func sorted(_ subscriptions: [String: ConsumerSubscription]) -> [AssignorMember] {
        subscriptions.map { AssignorMember(memberId: $0.key, groupInstanceId: $0.value.groupInstanceId) }.sorted()
    }
}
