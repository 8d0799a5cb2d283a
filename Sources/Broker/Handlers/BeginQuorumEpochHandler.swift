import KafkaProtocol
import Raft

/// BeginQuorumEpoch (key 53), version 0: a newly elected leader of the metadata quorum announces itself.
struct BeginQuorumEpochHandler: APIHandler {
    typealias Request = BeginQuorumEpochRequest
    static let versions: ClosedRange<Int16> = 0...0

    let broker: BrokerContext

    func handle(_ request: BeginQuorumEpochRequest, context: RequestContext) async throws -> BeginQuorumEpochResponse? {
        guard let begin = RaftWire.beginQuorumEpoch(from: request) else {
            return QuorumRequests.error(BeginQuorumEpochResponse(), .unknownTopicOrPartition)
        }
        if let refused = QuorumRequests.refuse(request.clusterId, broker) { return QuorumRequests.error(BeginQuorumEpochResponse(), refused) }
        guard case .beginQuorumEpochResponse(let answer)? = try await broker.controller.quorum.handle(.beginQuorumEpochRequest(begin), from: begin.leaderId)
        else { return QuorumRequests.error(BeginQuorumEpochResponse(), .notLeaderOrFollower) }
        return RaftWire.beginQuorumEpochResponse(answer)
    }
}
