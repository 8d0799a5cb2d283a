import Controller
import Faults
import KafkaClient
import KafkaProtocol
import Raft

/// The broker's connections to the other voters of the metadata quorum, opened when first needed and
/// dropped when a request on them fails (the next request reconnects). Each voter gets two: one for the
/// quorum's own requests and one for the requests a broker sends the controller (BrokerRegistration,
/// BrokerHeartbeat, AlterPartition, forwarded admin requests), as Kafka keeps its broker-to-controller
/// channel apart. Answers come back in request order on a connection, so a forwarded request waiting
/// for a commit would otherwise hold back the very Fetch answer that lets the commit happen.
actor QuorumPeers {
    /// Which of a voter's two connections.
    enum Channel: Hashable {
        case quorum, controller
    }

    private struct Key: Hashable {
        let voter: Int32
        let channel: Channel
    }

    private let voters: QuorumVoters
    private let clientId: String
    private let faults: BrokerFaults?
    private var connections: [Key: BrokerConnection] = [:]
    private var closed = false

    init(voters: QuorumVoters, nodeId: Int32, faults: BrokerFaults? = nil) {
        self.voters = voters
        self.clientId = PeerClientId.broker(nodeId)
        self.faults = faults
    }

    /// The open connection to `voter` for `channel`, connecting first when there is none. Every request
    /// to a voter asks for its connection here, so a network fault between the two applies here too.
    func connection(to voter: Int32, channel: Channel = .quorum, timeout: Duration) async throws -> BrokerConnection {
        try await faults?.admitOutbound(to: voter, timeout: timeout)
        let key = Key(voter: voter, channel: channel)
        if let open = connections[key], open.isActive { return open }
        guard !closed else { throw KafkaClientError(.connectionClosed, "the broker is stopping") }
        guard let endpoint = voters.voter(voter) else { throw KafkaClientError(.invalidArgument, "node \(voter) is not a voter") }
        var configuration = ClientConfiguration(bootstrapServers: [])
        configuration.clientId = clientId
        configuration.connectTimeout = timeout
        configuration.requestTimeout = timeout
        let connection = try await BrokerConnection.connect(to: BrokerAddress(host: endpoint.host, port: endpoint.port), configuration: configuration)
        if let raced = connections[key], raced.isActive {
            await connection.close()
            return raced
        }
        connections[key] = connection
        return connection
    }

    /// Forgets a connection that failed.
    func drop(_ voter: Int32, channel: Channel = .quorum) async {
        await connections.removeValue(forKey: Key(voter: voter, channel: channel))?.close()
    }

    /// Closes every connection; no new ones are opened.
    func close() async {
        closed = true
        for connection in connections.values { await connection.close() }
        connections = [:]
    }

    /// Sends one quorum request and returns the peer's answer as a `RaftMessage` (nil for a message
    /// that is not a request, or an answer without the metadata partition).
    func exchange(_ message: RaftMessage, with voter: Int32, clusterId: String, configuration: RaftConfiguration) async throws -> RaftMessage? {
        let timeout = Duration.milliseconds(configuration.requestTimeoutMs)
        do {
            let connection = try await connection(to: voter, timeout: timeout)
            switch message {
            case .voteRequest(let r):
                let answer = try await connection.send(RaftWire.voteRequest(r, clusterId: clusterId), version: 0, timeout: timeout)
                return RaftWire.vote(from: answer).map { .voteResponse($0) }
            case .beginQuorumEpochRequest(let r):
                let answer = try await connection.send(RaftWire.beginQuorumEpochRequest(r, clusterId: clusterId), version: 0, timeout: timeout)
                return RaftWire.quorumResponse(from: answer).map { .beginQuorumEpochResponse($0) }
            case .endQuorumEpochRequest(let r):
                let answer = try await connection.send(RaftWire.endQuorumEpochRequest(r, clusterId: clusterId), version: 0, timeout: timeout)
                return RaftWire.quorumResponse(from: answer).map { .endQuorumEpochResponse($0) }
            case .fetchRequest(let r):
                let request = RaftWire.fetchRequest(r, clusterId: clusterId, maxWaitMs: Int32(configuration.fetchMaxWaitMs))
                let answer = try await connection.send(
                    request, version: RaftWire.fetchVersion, timeout: .milliseconds(configuration.fetchMaxWaitMs + configuration.requestTimeoutMs))
                return try RaftWire.fetch(from: answer).map { response in
                    var response = response
                    response.answers = r.position
                    return .fetchResponse(response)
                }
            case .fetchSnapshotRequest(let r):
                let request = RaftWire.fetchSnapshotRequest(r, clusterId: clusterId, maxBytes: configuration.maxSnapshotChunkBytes)
                let answer = try await connection.send(request, version: 0, timeout: timeout)
                return RaftWire.fetchSnapshot(from: answer).map { .fetchSnapshotResponse($0) }
            case .voteResponse, .beginQuorumEpochResponse, .endQuorumEpochResponse, .fetchResponse, .fetchSnapshotResponse:
                return nil
            }
        } catch {
            await drop(voter)
            throw error
        }
    }
}
