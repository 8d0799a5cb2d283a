import KafkaProtocol
import Raft

/// EndQuorumEpoch (key 54), version 0: the metadata quorum's leader steps down and names its preferred
/// successors, so they need not wait for an election timeout.
struct EndQuorumEpochHandler: APIHandler {
    typealias Request = EndQuorumEpochRequest
    static let versions: ClosedRange<Int16> = 0...0

    let broker: BrokerContext

    func handle(_ request: EndQuorumEpochRequest, context: RequestContext) async throws -> EndQuorumEpochResponse? {
        guard let end = RaftWire.endQuorumEpoch(from: request) else {
            return QuorumRequests.error(EndQuorumEpochResponse(), .unknownTopicOrPartition)
        }
        if let refused = QuorumRequests.refuse(request.clusterId, broker) { return QuorumRequests.error(EndQuorumEpochResponse(), refused) }
        guard case .endQuorumEpochResponse(let answer)? = try await broker.controller.quorum.handle(.endQuorumEpochRequest(end), from: end.leaderId)
        else { return QuorumRequests.error(EndQuorumEpochResponse(), .notLeaderOrFollower) }
        return RaftWire.endQuorumEpochResponse(answer)
    }
}
