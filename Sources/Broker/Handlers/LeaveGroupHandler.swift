import GroupCoordinator
import KafkaProtocol

/// LeaveGroup (key 13), versions 0-5: one member (v0-2) or a batch with instance ids (v3+, KIP-345).
struct LeaveGroupHandler: APIHandler {
    typealias Request = LeaveGroupRequest
    static let versions: ClosedRange<Int16> = 0...5

    let broker: BrokerContext

    func handle(_ request: LeaveGroupRequest, context: RequestContext) async throws -> LeaveGroupResponse? {
        let version = context.apiVersion
        let leaving: [LeavingMember] =
            version >= 3
            ? request.members.map { LeavingMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId) }
            : [LeavingMember(memberId: request.memberId)]
        var response = LeaveGroupResponse()
        let (error, perMember): (ErrorCode, [ErrorCode])
        switch broker.groups.shard(for: request.groupId, image: broker.metadata.image) {
        case .failure(let failure): (error, perMember) = (failure, [])
        case .success(let shard): (error, perMember) = await shard.leaveGroup(groupId: request.groupId, members: leaving, now: broker.clock())
        }
        if version >= 3 {
            response.errorCode = error.rawValue
            response.members = zip(leaving, perMember).map {
                LeaveGroupResponse.MemberResponse(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, errorCode: $1.rawValue)
            }
        } else {
            response.errorCode = (error != .noError ? error : perMember.first ?? .noError).rawValue
        }
        return response
    }
}
