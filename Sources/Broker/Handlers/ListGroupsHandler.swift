import GroupCoordinator
import KafkaProtocol

/// ListGroups (key 16), versions 0-5: the groups this broker coordinates, filtered by state (v4+) and
/// type (v5+: Gregor's groups are all "classic").
struct ListGroupsHandler: APIHandler {
    typealias Request = ListGroupsRequest
    static let versions: ClosedRange<Int16> = 0...5

    let broker: BrokerContext

    func handle(_ request: ListGroupsRequest, context: RequestContext) async throws -> ListGroupsResponse? {
        var response = ListGroupsResponse()
        let types = context.apiVersion >= 5 ? request.typesFilter.map { $0.lowercased() } : []
        guard types.isEmpty || types.contains("classic") else { return response }
        let states = context.apiVersion >= 4 ? request.statesFilter : []
        response.groups = broker.groups.loadedShards.flatMap { $0.listGroups(states: states) }.sorted { $0.groupId < $1.groupId }.map {
            .init(groupId: $0.groupId, protocolType: $0.protocolType, groupState: $0.state.rawValue, groupType: "classic")
        }
        return response
    }
}
