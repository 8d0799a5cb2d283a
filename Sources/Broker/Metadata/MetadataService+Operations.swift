import Controller
import KafkaClient
import KafkaProtocol
import NIOCore

/// Admin operations: run one at a time on the active controller (each computed from the committed
/// image, committed, replayed, then answered); forwarded to the controller from any other broker.
extension MetadataService {
    func createTopics(_ request: CreateTopicsRequest) async -> CreateTopicsResponse {
        await operate(request, { $0.createTopics(request) }, items: \.topics, code: \.errorCode, message: \.errorMessage)
    }

    func deleteTopics(_ request: DeleteTopicsRequest, version: Int16) async -> DeleteTopicsResponse {
        await operate(request, { $0.deleteTopics(request, version: version) }, items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    func createPartitions(_ request: CreatePartitionsRequest) async -> CreatePartitionsResponse {
        await operate(request, { $0.createPartitions(request) }, items: \.results, code: \.errorCode, message: \.errorMessage)
    }

    func incrementalAlterConfigs(_ request: IncrementalAlterConfigsRequest) async -> IncrementalAlterConfigsResponse {
        await operate(request, { $0.incrementalAlterConfigs(request) }, items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    func alterConfigs(_ request: AlterConfigsRequest) async -> AlterConfigsResponse {
        await operate(request, { $0.alterConfigs(request) }, items: \.responses, code: \.errorCode, message: \.errorMessage)
    }

    /// ElectLeaders: computed and committed on the controller, forwarded to it from any other broker.
    /// When neither works, every partition answers why (NOT_CONTROLLER or a storage error).
    func electLeaders(_ request: ElectLeadersRequest, version: Int16) async -> ElectLeadersResponse {
        await exclusive {
            do {
                guard await quorum.isActiveController else { return try await forwardToController(request) }
                try await applyCommitted()
                let result = controller.electLeaders(request, version: version)
                try await commit(result.records)
                return result.response
            } catch {
                logger.info("leader election failed", metadata: ["error": "\(error)"])
                var response = controller.electLeaders(request, version: version).response
                for topic in response.replicaElectionResults.indices {
                    for partition in response.replicaElectionResults[topic].partitionResult.indices {
                        response.replicaElectionResults[topic].partitionResult[partition].errorCode = errorCode(for: error)
                        response.replicaElectionResults[topic].partitionResult[partition].errorMessage = "\(error)"
                    }
                }
                return response
            }
        }
    }

    /// The next producer id for an idempotent producer. The controller hands out ids from its own block,
    /// reserving a new block in the metadata log when one runs out, so ids are never reused; another
    /// broker asks the controller with InitProducerId.
    func allocateProducerId(nodeId: Int32) async throws -> Int64 {
        try await exclusive {
            guard await quorum.isActiveController else {
                let answer = try await forwardToController(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1))
                guard answer.errorCode == 0 else { throw KafkaClientError(.brokerError, "the controller answered \(answer.errorCode)") }
                return answer.producerId
            }
            if producerIds == nil || nextProducerId > producerIds!.upperBound {
                let epoch = controller.image.brokers[nodeId]?.epoch ?? -1
                let result = controller.allocateProducerIds(brokerId: nodeId, brokerEpoch: epoch)
                try await commit(result.records)
                producerIds = result.response
                nextProducerId = result.response.lowerBound
            }
            defer { nextProducerId += 1 }
            return nextProducerId
        }
    }

    /// AlterPartition on the controller: a partition leader's ISR change, checked and committed. Only
    /// the controller answers (NOT_CONTROLLER elsewhere): the leader that proposed it forwards it.
    func alterPartition(_ request: AlterPartitionRequest, version: Int16) async -> AlterPartitionResponse {
        do {
            return try await exclusive {
                guard await quorum.isActiveController else { throw NotControllerError(leaderId: await quorum.leaderId) }
                try await applyCommitted()
                let result = controller.alterPartition(request, version: version)
                try await commit(result.records)
                return result.response
            }
        } catch {
            var response = AlterPartitionResponse()
            response.errorCode = errorCode(for: error)
            return response
        }
    }

    /// Sends one of this broker's ISR proposals to the controller, which may be this broker.
    func proposeIsrChange(_ request: AlterPartitionRequest) async throws -> AlterPartitionResponse {
        if await quorum.isActiveController { return await alterPartition(request, version: 3) }
        return try await forwardToController(request)
    }

    // MARK: Running an operation

    /// Runs `body` after every operation started before it has finished: operations are computed from
    /// the image their predecessors left, even though each one waits for its commit.
    func exclusive<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        while operationRunning { await withCheckedContinuation { operationQueue.append($0) } }
        operationRunning = true
        defer {
            operationRunning = false
            if !operationQueue.isEmpty { operationQueue.removeFirst().resume() }
        }
        return try await body()
    }

    /// Computes an operation on the controller and commits it; forwards it from any other broker. When
    /// neither works, every item the answer reports as done reports why instead (NOT_CONTROLLER or a
    /// storage error), so the client retries or sees the failure.
    private func operate<Request: KafkaRequest, Item>(
        _ request: Request, _ compute: (ControllerStateMachine) -> ControllerResult<Request.Response>,
        items: WritableKeyPath<Request.Response, [Item]>, code: WritableKeyPath<Item, Int16>, message: WritableKeyPath<Item, String?>
    ) async -> Request.Response where Request.Response: Sendable {
        await exclusive {
            var response: Request.Response
            do {
                if await quorum.isActiveController {
                    try await applyCommitted()
                    let result = compute(controller)
                    response = result.response
                    try await commit(result.records)
                } else {
                    return try await forwardToController(request)
                }
            } catch {
                logger.info("metadata operation failed", metadata: ["api": "\(Request.apiKey)", "error": "\(error)"])
                response = compute(controller).response
                for index in response[keyPath: items].indices where response[keyPath: items][index][keyPath: code] == 0 {
                    response[keyPath: items][index][keyPath: code] = errorCode(for: error)
                    response[keyPath: items][index][keyPath: message] = "\(error)"
                }
            }
            return response
        }
    }

    /// Appends records as one batch through the quorum, waits for the commit, and replays them.
    func commit(_ records: [any KafkaMetadataRecord]) async throws {
        guard !records.isEmpty else { return }
        _ = try await quorum.append(try records.map { try MetadataRecordSerde.encode($0) })
        try await applyCommitted()
    }

    /// Sends a request to the quorum's leader over the broker's controller connection to it. When the
    /// quorum elects another leader meanwhile, the request is abandoned (its connection closed) and
    /// NOT_CONTROLLER thrown, so the caller retries on the new one at once, as Kafka's
    /// `NodeToControllerChannelManager` moves to a new controller: a request to a controller that is
    /// cut off or hung would otherwise hold a broker's heartbeats for the whole request timeout, and the
    /// new controller would fence brokers that are alive, itself included.
    func forwardToController<Request: KafkaRequest>(_ request: Request) async throws -> Request.Response {
        let leader = await quorum.leaderId
        guard leader >= 0, leader != nodeId else { throw NotControllerError(leaderId: leader) }
        let connection = try await peers.connection(
            to: leader, channel: .controller, timeout: .milliseconds(quorum.configuration.requestTimeoutMs))
        do {
            return try await withThrowingTaskGroup(of: Request.Response?.self) { group in
                group.addTask { try await connection.send(request, timeout: .seconds(30)) }
                group.addTask {
                    while await self.quorum.leaderId == leader { try await Task.sleep(for: .milliseconds(50)) }
                    await self.peers.drop(leader, channel: .controller)  // ends the send above
                    throw NotControllerError(leaderId: await self.quorum.leaderId)
                }
                defer { group.cancelAll() }
                guard let answer = try await group.next() ?? nil else { throw NotControllerError(leaderId: -1) }
                return answer
            }
        } catch {
            await peers.drop(leader, channel: .controller)
            throw error
        }
    }

    func errorCode(for error: any Error) -> Int16 {
        switch error {
        case let refusal as ControllerError: refusal.code.rawValue
        case is NotControllerError: ErrorCode.notController.rawValue
        case is KafkaClientError: ErrorCode.notController.rawValue  // the controller could not be reached
        default: ErrorCode.kafkaStorageError.rawValue
        }
    }
}
