import GroupCoordinator
import KafkaProtocol

/// JoinGroup (key 11), versions 0-9: joins a member to its group; held until the rebalance completes.
/// From v4 a new member first gets MEMBER_ID_REQUIRED and its id (KIP-394); from v5 static members
/// (KIP-345).
struct JoinGroupHandler: APIHandler {
    typealias Request = JoinGroupRequest
    static let versions: ClosedRange<Int16> = 0...9

    let broker: BrokerContext

    func handle(_ request: JoinGroupRequest, context: RequestContext) async throws -> JoinGroupResponse? {
        let version = context.apiVersion
        let outcome: JoinGroupOutcome
        switch broker.groups.shard(for: request.groupId, image: broker.metadata.image) {
        case .failure(let error):
            outcome = JoinGroupOutcome(memberId: request.memberId, error: error)
        case .success(let shard):
            let input = JoinGroupInput(
                groupId: request.groupId, memberId: request.memberId,
                groupInstanceId: version >= 5 ? request.groupInstanceId : nil, requireKnownMemberId: version >= 4,
                clientId: context.clientId ?? "", clientHost: context.clientHost,
                // v0 has no rebalance timeout: the session timeout serves for both, as in Kafka.
                rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
                sessionTimeoutMs: request.sessionTimeoutMs, protocolType: request.protocolType,
                protocols: request.protocols.map { ($0.name, $0.metadata) })
            outcome = await shard.joinGroup(input, now: broker.clock())
        }
        var response = JoinGroupResponse()
        response.errorCode = outcome.error.rawValue
        response.generationId = outcome.generationId
        response.protocolType = version >= 7 ? outcome.protocolType : nil
        response.protocolName = outcome.protocolName ?? (version >= 7 ? nil : "")
        response.leader = outcome.leaderId
        response.memberId = outcome.memberId
        response.members = outcome.members.map {
            JoinGroupResponse.JoinGroupResponseMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata)
        }
        return response
    }
}
