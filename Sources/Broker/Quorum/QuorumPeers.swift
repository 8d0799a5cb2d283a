import Controller
import KafkaClient
import KafkaProtocol
import Raft

/// The broker's connections to the other voters of the metadata quorum, one each, opened when first
/// needed and dropped when a request on them fails (the next request reconnects). Quorum requests and
/// the broker-to-controller requests (BrokerRegistration, BrokerHeartbeat) go over them.
actor QuorumPeers {
    private let voters: QuorumVoters
    private let clientId: String
    private var connections: [Int32: BrokerConnection] = [:]
    private var closed = false

    init(voters: QuorumVoters, nodeId: Int32) {
        self.voters = voters
        self.clientId = "gregor-broker-\(nodeId)"
    }

    /// The open connection to `voter`, connecting first when there is none.
    func connection(to voter: Int32, timeout: Duration) async throws -> BrokerConnection {
        if let open = connections[voter], open.isActive { return open }
        guard !closed else { throw KafkaClientError(.connectionClosed, "the broker is stopping") }
        guard let endpoint = voters.voter(voter) else { throw KafkaClientError(.invalidArgument, "node \(voter) is not a voter") }
        var configuration = ClientConfiguration(bootstrapServers: [])
        configuration.clientId = clientId
        configuration.connectTimeout = timeout
        configuration.requestTimeout = timeout
        let connection = try await BrokerConnection.connect(to: BrokerAddress(host: endpoint.host, port: endpoint.port), configuration: configuration)
        if let raced = connections[voter], raced.isActive {
            await connection.close()
            return raced
        }
        connections[voter] = connection
        return connection
    }

    /// Forgets a connection that failed.
    func drop(_ voter: Int32) async {
        await connections.removeValue(forKey: voter)?.close()
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
                return try RaftWire.fetch(from: answer).map { .fetchResponse($0) }
            case .voteResponse, .beginQuorumEpochResponse, .endQuorumEpochResponse, .fetchResponse:
                return nil
            }
        } catch {
            await drop(voter)
            throw error
        }
    }
}
