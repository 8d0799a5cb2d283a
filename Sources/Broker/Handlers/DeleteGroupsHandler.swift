import GroupCoordinator
import KafkaProtocol

/// DeleteGroups (key 42), versions 0-2: deletes empty groups and their offsets (NON_EMPTY_GROUP for live
/// ones, GROUP_ID_NOT_FOUND for unknown ones).
struct DeleteGroupsHandler: APIHandler {
    typealias Request = DeleteGroupsRequest
    static let versions: ClosedRange<Int16> = 0...2

    let broker: BrokerContext

    func handle(_ request: DeleteGroupsRequest, context: RequestContext) async throws -> DeleteGroupsResponse? {
        let image = broker.metadata.image
        var response = DeleteGroupsResponse()
        for groupId in request.groupsNames {
            let error: ErrorCode
            switch broker.groups.shard(for: groupId, image: image) {
            case .failure(let failure): error = failure
            case .success(let shard): error = await shard.deleteGroup(groupId, now: broker.clock())
            }
            response.results.append(.init(groupId: groupId, errorCode: error.rawValue))
        }
        return response
    }
}
