import KafkaProtocol

/// What a coordinator coordinates (FindCoordinator's `KeyType`).
public enum CoordinatorType: Int8, Sendable {
    case group = 0
    case transaction = 1
}

extension ClusterClient {
    /// Finds the coordinator of each key with FindCoordinator: all keys in one request from v4 (KIP-699),
    /// one request per key before. Per-key failures (COORDINATOR_NOT_AVAILABLE while the offsets topic
    /// is created, COORDINATOR_LOAD_IN_PROGRESS, ...) come back as `.failure`; callers retry those.
    public func findCoordinators(
        _ keys: [String], type: CoordinatorType = .group
    ) async throws -> [String: Result<BrokerInfo, KafkaClientError>] {
        guard !keys.isEmpty else { return [:] }
        var lastError: (any Error)?
        for _ in 0..<3 {
            let connection = try await anyConnection()
            do {
                return try await findCoordinators(keys, type: type, on: connection)
            } catch let error as KafkaClientError where error.code == .connectionClosed || error.code == .requestTimedOut {
                lastError = error
                connection.closeNow()
            }
        }
        throw lastError ?? KafkaClientError(.brokerNotAvailable, "no broker answered FindCoordinator")
    }

    /// The coordinator of one group (or transactional id); throws the key's error.
    public func findCoordinator(_ key: String, type: CoordinatorType = .group) async throws -> BrokerInfo {
        guard let result = try await findCoordinators([key], type: type)[key] else {
            throw KafkaClientError(.malformedResponse, "FindCoordinator answered without '\(key)'")
        }
        return try result.get()
    }

    private func findCoordinators(
        _ keys: [String], type: CoordinatorType, on connection: BrokerConnection
    ) async throws -> [String: Result<BrokerInfo, KafkaClientError>] {
        let version = try connection.version(.findCoordinator)
        if version < 1, type != .group {
            throw KafkaClientError(.unsupportedVersion, "broker \(connection.address) has no FindCoordinator v1 for transactions")
        }
        var request = FindCoordinatorRequest()
        if version >= 1 { request.keyType = type.rawValue }
        if version >= 4 {
            request.coordinatorKeys = keys
            let response = try await connection.send(request, version: version)
            var results: [String: Result<BrokerInfo, KafkaClientError>] = [:]
            for entry in response.coordinators {
                results[entry.key] = Self.coordinator(
                    key: entry.key, error: entry.errorCode, message: entry.errorMessage, nodeId: entry.nodeId, host: entry.host,
                    port: entry.port)
            }
            return results
        }
        var results: [String: Result<BrokerInfo, KafkaClientError>] = [:]
        for key in keys {
            request.key = key
            let response = try await connection.send(request, version: version)
            results[key] = Self.coordinator(
                key: key, error: response.errorCode, message: response.errorMessage, nodeId: response.nodeId, host: response.host,
                port: response.port)
        }
        return results
    }

    private static func coordinator(
        key: String, error: Int16, message: String?, nodeId: Int32, host: String, port: Int32
    ) -> Result<BrokerInfo, KafkaClientError> {
        if let failure = itemError(error, message, "cannot find the coordinator of '\(key)'") { return .failure(failure) }
        return .success(BrokerInfo(nodeId: nodeId, host: host, port: port))
    }
}

extension ErrorCode {
    /// Errors after which a group client looks its coordinator up again (Kafka's
    /// `markCoordinatorUnknown` cases).
    var meansCoordinatorMoved: Bool {
        self == .notCoordinator || self == .coordinatorNotAvailable || self == .requestTimedOut
    }
}
