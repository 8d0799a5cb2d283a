import KafkaProtocol
import KafkaRecords
import NIOCore

/// A group as ListGroups reports it.
public struct GroupListing: Sendable, Hashable {
    public var groupId: String
    /// `consumer` for consumer groups; empty for groups that only commit offsets (simple consumers).
    public var protocolType: String
    /// `Stable`, `Empty`, `PreparingRebalance`, ... (ListGroups v4+), else nil.
    public var state: String?
    /// `classic` or `consumer` (ListGroups v5+), else nil.
    public var groupType: String?
    /// The broker that coordinates it.
    public var coordinatorId: Int32
}

/// A group as DescribeGroups reports it, with its members' subscriptions and assignments decoded.
public struct GroupDescription: Sendable, Hashable {
    public var groupId: String
    /// `Stable`, `Empty`, `PreparingRebalance`, `CompletingRebalance`, `Dead`.
    public var state: String
    public var protocolType: String
    /// The selected assignor (`range`, `cooperative-sticky`, ...) while the group has members.
    public var protocolName: String
    public var members: [GroupMemberDescription]
    public var coordinator: BrokerInfo?
    /// GROUP_ID_NOT_FOUND, GROUP_AUTHORIZATION_FAILED, ... or nil.
    public var error: KafkaClientError?

    /// Every partition assigned to some member.
    public var assignedPartitions: [TopicPartition] { members.flatMap { $0.assignment?.partitions ?? [] }.sorted() }
}

/// One member of a described group.
public struct GroupMemberDescription: Sendable, Hashable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    /// Decoded from the member's metadata (consumer groups); nil when empty or not a consumer group.
    public var subscription: ConsumerSubscription?
    /// Decoded from the member's assignment; nil before the group is stable.
    public var assignment: ConsumerAssignment?
    public var rawMetadata: ByteBuffer
    public var rawAssignment: ByteBuffer

    init(_ member: DescribeGroupsResponse.DescribedGroupMember, consumerProtocol: Bool) {
        memberId = member.memberId
        groupInstanceId = member.groupInstanceId
        clientId = member.clientId
        clientHost = member.clientHost
        rawMetadata = member.memberMetadata
        rawAssignment = member.memberAssignment
        subscription = consumerProtocol && member.memberMetadata.readableBytes > 0
            ? try? ConsumerSubscription(decoding: member.memberMetadata) : nil
        assignment = consumerProtocol && member.memberAssignment.readableBytes > 0
            ? try? ConsumerAssignment(decoding: member.memberAssignment) : nil
    }
}
