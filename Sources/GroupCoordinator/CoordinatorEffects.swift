import KafkaProtocol
import NIOCore

/// What a coordinator operation asks its shell to do: append records to the group's
/// `__consumer_offsets` partition, then (once they are written) deliver the answers of requests the
/// coordinator held back. Kafka's `CoordinatorResult`, for held requests too.
public struct CoordinatorEffects: Sendable {
    public var records: [CoordinatorRecord] = []
    public var joins: [(RequestToken, JoinGroupOutcome)] = []
    public var syncs: [(RequestToken, SyncGroupOutcome)] = []
    /// Groups that moved to a new generation (completed a rebalance's join phase), for the metrics.
    public var rebalancesCompleted = 0

    public init() {}

    public var isEmpty: Bool { records.isEmpty && joins.isEmpty && syncs.isEmpty }

    mutating func append(_ other: CoordinatorEffects) {
        records += other.records
        joins += other.joins
        syncs += other.syncs
        rebalancesCompleted += other.rebalancesCompleted
    }
}

/// One record of `__consumer_offsets`: a versioned key, and a versioned value or nil (a tombstone).
public struct CoordinatorRecord: Sendable, Hashable {
    public var key: ByteBuffer
    public var value: ByteBuffer?

    public init(key: ByteBuffer, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }
}

/// A JoinGroup answer (Kafka's `JoinGroupResult`).
public struct JoinGroupOutcome: Sendable, Hashable {
    public var memberId: String
    public var generationId: Int32 = -1
    public var protocolType: String?
    public var protocolName: String?
    public var leaderId: String = ""
    /// Every member with its metadata for the chosen protocol, for the leader only.
    public var members: [JoinedMember] = []
    public var error: ErrorCode = .noError

    public init(memberId: String, error: ErrorCode) {
        self.memberId = memberId
        self.error = error
    }

    public init(memberId: String, generationId: Int32, protocolType: String?, protocolName: String?, leaderId: String, members: [JoinedMember]) {
        self.memberId = memberId
        self.generationId = generationId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.leaderId = leaderId
        self.members = members
    }
}

/// A member as the leader sees it in its JoinGroup answer.
public struct JoinedMember: Sendable, Hashable {
    public var memberId: String
    public var groupInstanceId: String?
    public var metadata: ByteBuffer
}

/// A SyncGroup answer (Kafka's `SyncGroupResult`).
public struct SyncGroupOutcome: Sendable, Hashable {
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: ByteBuffer
    public var error: ErrorCode

    public init(protocolType: String? = nil, protocolName: String? = nil, assignment: ByteBuffer = ByteBuffer(), error: ErrorCode) {
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignment = assignment
        self.error = error
    }
}
