import GroupCoordinator
import KafkaProtocol

/// SyncGroup (key 14), versions 0-5: the leader hands in the assignment, every member gets its share.
/// A coordinator still loading answers REBALANCE_IN_PROGRESS, as Kafka does (older clients do not know
/// COORDINATOR_LOAD_IN_PROGRESS here).
struct SyncGroupHandler: APIHandler {
    typealias Request = SyncGroupRequest
    static let versions: ClosedRange<Int16> = 0...5

    let broker: BrokerContext

    func handle(_ request: SyncGroupRequest, context: RequestContext) async throws -> SyncGroupResponse? {
        let version = context.apiVersion
        let outcome: SyncGroupOutcome
        switch broker.groups.shard(for: request.groupId, image: broker.metadata.image) {
        case .failure(let error):
            outcome = SyncGroupOutcome(error: error == .coordinatorLoadInProgress ? .rebalanceInProgress : error)
        case .success(let shard):
            let input = SyncGroupInput(
                groupId: request.groupId, generationId: request.generationId, memberId: request.memberId,
                groupInstanceId: version >= 3 ? request.groupInstanceId : nil,
                protocolType: version >= 5 ? request.protocolType : nil, protocolName: version >= 5 ? request.protocolName : nil,
                assignments: Dictionary(request.assignments.map { ($0.memberId, $0.assignment) }, uniquingKeysWith: { $1 }))
            outcome = await shard.syncGroup(input, now: broker.clock())
        }
        return SyncGroupResponse(
            errorCode: outcome.error.rawValue, protocolType: outcome.protocolType, protocolName: outcome.protocolName,
            assignment: outcome.assignment)
    }
}
