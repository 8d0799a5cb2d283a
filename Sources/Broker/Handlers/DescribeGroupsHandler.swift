import GroupCoordinator
import KafkaProtocol

/// DescribeGroups (key 15), versions 0-5: state, protocol, and members with their subscription and
/// assignment (those only while Stable, as in Kafka). An unknown group is reported Dead.
struct DescribeGroupsHandler: APIHandler {
    typealias Request = DescribeGroupsRequest
    static let versions: ClosedRange<Int16> = 0...5

    /// Without ACLs every group operation is allowed: READ (3), DELETE (6) and DESCRIBE (8), as bits.
    static let groupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8)

    let broker: BrokerContext

    func handle(_ request: DescribeGroupsRequest, context: RequestContext) async throws -> DescribeGroupsResponse? {
        let image = broker.metadata.image
        var response = DescribeGroupsResponse()
        response.groups = request.groups.map { groupId in
            var described = DescribeGroupsResponse.DescribedGroup(groupId: groupId)
            switch broker.groups.shard(for: groupId, image: image) {
            case .failure(let error):
                described.errorCode = error.rawValue
            case .success(let shard):
                let group = shard.describeGroup(groupId)
                described.groupState = group.state.rawValue
                described.protocolType = group.protocolType
                described.protocolData = group.protocolName
                described.members = group.members.map {
                    .init(
                        memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId, clientHost: $0.clientHost,
                        memberMetadata: $0.metadata, memberAssignment: $0.assignment)
                }
            }
            if context.apiVersion >= 3 && request.includeAuthorizedOperations { described.authorizedOperations = Self.groupOperations }
            return described
        }
        return response
    }
}
