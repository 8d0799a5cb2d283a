import GroupCoordinator
import KafkaProtocol

/// Heartbeat (key 12), versions 0-4: keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
/// While the coordinator loads, heartbeats are answered NONE, as Kafka does.
struct HeartbeatHandler: APIHandler {
    typealias Request = HeartbeatRequest
    static let versions: ClosedRange<Int16> = 0...4

    let broker: BrokerContext

    func handle(_ request: HeartbeatRequest, context: RequestContext) async throws -> HeartbeatResponse? {
        let error: ErrorCode
        switch broker.groups.shard(for: request.groupId, image: broker.metadata.image) {
        case .failure(let failure):
            error = failure == .coordinatorLoadInProgress ? .noError : failure
        case .success(let shard):
            error = shard.heartbeat(
                groupId: request.groupId, memberId: request.memberId,
                groupInstanceId: context.apiVersion >= 3 ? request.groupInstanceId : nil, generationId: request.generationId,
                now: broker.clock())
        }
        return HeartbeatResponse(errorCode: error.rawValue)
    }
}
