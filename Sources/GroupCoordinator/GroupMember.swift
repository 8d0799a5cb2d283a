import NIOCore

/// One member of a classic group: who it is, its timeouts, the protocols it offered (assignor name →
/// subscription bytes) and the assignment it was given, plus the requests it is waiting on.
public struct GroupMember: Sendable, Hashable {
    public var memberId: String
    /// `group.instance.id` of a static member (KIP-345), nil for a dynamic one.
    public let groupInstanceId: String?
    public let clientId: String
    public let clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public let protocolType: String
    /// In the member's order of preference.
    public var protocols: [(name: String, metadata: ByteBuffer)]
    public var assignment = ByteBuffer()

    /// A JoinGroup waiting for the rebalance to complete.
    var awaitingJoin: RequestToken?
    /// A SyncGroup waiting for the leader's assignment.
    var awaitingSync: RequestToken?
    /// Joined but not through a rebalance yet: such members may expire while waiting to join.
    var isNew = false
    /// When the member is removed unless it heartbeats (nil while a rebalance holds its request).
    var heartbeatDeadline: Int64?

    public init(
        memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, rebalanceTimeoutMs: Int32,
        sessionTimeoutMs: Int32, protocolType: String, protocols: [(name: String, metadata: ByteBuffer)]
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
    }

    public var isStatic: Bool { groupInstanceId != nil }
    public var isAwaitingJoin: Bool { awaitingJoin != nil }
    public var isAwaitingSync: Bool { awaitingSync != nil }

    /// The subscription bytes the member gave for `protocol`.
    public func metadata(for name: String) -> ByteBuffer? { protocols.first { $0.name == name }?.metadata }

    /// Whether the member offered exactly these protocols (names and bytes, in order).
    func matches(_ other: [(name: String, metadata: ByteBuffer)]) -> Bool {
        protocols.count == other.count && zip(protocols, other).allSatisfy { $0.name == $1.name && $0.metadata == $1.metadata }
    }

    /// The member's first preference among `candidates`.
    func vote(_ candidates: Set<String>) -> String? { protocols.first { candidates.contains($0.name) }?.name }

    public static func == (lhs: GroupMember, rhs: GroupMember) -> Bool {
        lhs.memberId == rhs.memberId && lhs.groupInstanceId == rhs.groupInstanceId && lhs.clientId == rhs.clientId
            && lhs.clientHost == rhs.clientHost && lhs.rebalanceTimeoutMs == rhs.rebalanceTimeoutMs
            && lhs.sessionTimeoutMs == rhs.sessionTimeoutMs && lhs.protocolType == rhs.protocolType && lhs.matches(rhs.protocols)
            && lhs.assignment == rhs.assignment
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(memberId)
        hasher.combine(groupInstanceId)
    }
}

/// Identifies a request the coordinator holds back (a JoinGroup or SyncGroup waiting for the
/// rebalance); the shell that received it gets its answer through `CoordinatorEffects`.
public struct RequestToken: Hashable, Sendable, CustomStringConvertible {
    public let id: UInt64
    public init(_ id: UInt64) { self.id = id }
    public var description: String { "request-\(id)" }
}
