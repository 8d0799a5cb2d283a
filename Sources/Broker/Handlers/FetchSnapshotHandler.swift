import KafkaProtocol
import Raft

/// FetchSnapshot (key 59), version 0: a voter or observer of the metadata quorum downloads a chunk of
/// the leader's snapshot, because the entries it lacks are gone from the leader's log (KIP-630).
struct FetchSnapshotHandler: APIHandler {
    typealias Request = FetchSnapshotRequest
    static let versions: ClosedRange<Int16> = 0...0

    let broker: BrokerContext

    func handle(_ request: FetchSnapshotRequest, context: RequestContext) async throws -> FetchSnapshotResponse? {
        guard let fetch = RaftWire.fetchSnapshot(from: request) else {
            return QuorumRequests.error(FetchSnapshotResponse(), .unknownTopicOrPartition)
        }
        if let refused = QuorumRequests.refuse(request.clusterId, broker) { return QuorumRequests.error(FetchSnapshotResponse(), refused) }
        guard case .fetchSnapshotResponse(let answer)? = try await broker.controller.quorum.handle(.fetchSnapshotRequest(fetch), from: fetch.replicaId)
        else { return QuorumRequests.error(FetchSnapshotResponse(), .notLeaderOrFollower) }
        return RaftWire.fetchSnapshotResponse(answer)
    }
}

extension FetchSnapshotResponse: QuorumResponseMessage {}
