import KafkaProtocol
import Raft

/// Vote (key 52), version 0: a candidate of the metadata quorum asks this voter for its vote (KIP-595).
struct VoteHandler: APIHandler {
    typealias Request = VoteRequest
    static let versions: ClosedRange<Int16> = 0...0

    let broker: BrokerContext

    func handle(_ request: VoteRequest, context: RequestContext) async throws -> VoteResponse? {
        guard let vote = RaftWire.vote(from: request) else { return QuorumRequests.error(VoteResponse(), .unknownTopicOrPartition) }
        if let refused = QuorumRequests.refuse(request.clusterId, broker) { return QuorumRequests.error(VoteResponse(), refused) }
        guard case .voteResponse(let answer)? = try await broker.controller.quorum.handle(.voteRequest(vote), from: vote.candidateId) else {
            return QuorumRequests.error(VoteResponse(), .notLeaderOrFollower)
        }
        return RaftWire.voteResponse(answer)
    }
}

/// What the quorum's request handlers share: the cluster id check and whole-request errors.
enum QuorumRequests {
    /// INCONSISTENT_CLUSTER_ID when the sender belongs to another cluster (a request without an id is
    /// accepted, as Kafka does).
    static func refuse(_ clusterId: String?, _ broker: BrokerContext) -> ErrorCode? {
        guard let clusterId, clusterId != broker.controller.clusterId else { return nil }
        return .inconsistentClusterId
    }

    static func error<Response: QuorumResponseMessage>(_ response: Response, _ code: ErrorCode) -> Response {
        var response = response
        response.errorCode = code.rawValue
        return response
    }
}

/// The quorum responses, which all carry a top-level error code.
protocol QuorumResponseMessage: KafkaResponse {
    var errorCode: Int16 { get set }
}

extension VoteResponse: QuorumResponseMessage {}
extension BeginQuorumEpochResponse: QuorumResponseMessage {}
extension EndQuorumEpochResponse: QuorumResponseMessage {}
extension DescribeQuorumResponse: QuorumResponseMessage {}
