import KafkaProtocol
import KafkaRecords
import NIOCore

extension KafkaProducer {
    /// Fetches metadata for `topic` (allowing auto-creation, as Kafka's producer does) until it has
    /// partitions, or `max.block.ms` passes.
    func waitForMetadata(_ topic: String, deadline: NIODeadline) async throws {
        while true {
            let metadata = try await cluster.refreshMetadata(topics: [topic], allowAutoCreate: true)
            state.withLock { $0.metadata = metadata }
            if metadata.partitionCount(topic) != nil { return }
            let error = metadata.topics[topic]?.error ?? .unknownTopicOrPartition
            if error != .noError, !error.isRetriable {
                throw KafkaClientError.broker(error, "cannot produce to topic '\(topic)'")
            }
            guard NIODeadline.now() < deadline else {
                throw KafkaClientError(
                    .unknownTopicOrPartition, "topic '\(topic)' not present in metadata after max.block.ms (\(error.name))")
            }
            try await Task.sleep(for: cluster.configuration.retryBackoff)
        }
    }

    /// Waits until some batch completes and frees `buffer.memory`.
    func waitForMemory(_ size: Int, deadline: NIODeadline) async throws {
        guard NIODeadline.now() < deadline else {
            throw KafkaClientError(.deliveryTimedOut, "buffer.memory stayed full for max.block.ms")
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                guard !state.closed, state.bufferedBytes > 0, state.bufferedBytes + size > configuration.bufferMemory else { return false }
                state.memoryWaiters.append(continuation)
                return true
            }
            if wait { wake() } else { continuation.resume() }
        }
    }

    /// Waits for the producer id (idempotence) that the first send or a reset asked for.
    func waitForProducerId(deadline: NIODeadline) async throws {
        guard NIODeadline.now() < deadline else {
            throw KafkaClientError(.deliveryTimedOut, "no producer id after max.block.ms (InitProducerId failing?)")
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (wait, start) = state.withLock { state -> (Bool, Bool) in
                guard !state.closed, state.producer == .none,
                    state.idempotence == .needsProducerId || state.idempotence == .initializing
                else { return (false, false) }
                state.producerIdWaiters.append(continuation)
                guard state.idempotence == .needsProducerId, state.inFlight.values.reduce(0, +) == 0 else { return (true, false) }
                state.idempotence = .initializing
                return (true, true)
            }
            if !wait { continuation.resume() }
            if start { startProducerIdRequest() }
        }
    }

    /// Gets a producer id with InitProducerId (no transactional id), retrying until it works or the
    /// producer closes; then every partition's sequence starts again at 0.
    func startProducerIdRequest() {
        Task {
            var outcome: Result<ProducerIdentityOrDisabled, KafkaClientError>
            repeat {
                outcome = await requestProducerId()
                if case .failure(let error) = outcome {
                    // A closed producer or a closed cluster client can never get an id: stop, quietly.
                    if error.code == .closed || state.withLock({ $0.closed }) { break }
                    logger.warning("InitProducerId failed, retrying: \(error)")
                    try? await Task.sleep(for: cluster.configuration.retryBackoff)
                }
            } while (try? outcome.get()) == nil
            let waiters = state.withLock { state in
                switch outcome {
                case .success(.identity(let identity)):
                    state.producer = identity
                    state.idempotence = .ready
                    state.resetSequences()
                case .success(.disabled):
                    state.producer = .none
                    state.idempotence = .disabled
                    state.resetSequences()
                case .failure:
                    state.idempotence = .needsProducerId
                }
                defer { state.producerIdWaiters = [] }
                return state.producerIdWaiters
            }
            for waiter in waiters { waiter.resume() }
            wake()
        }
    }

    enum ProducerIdentityOrDisabled {
        case identity(ProducerIdentity)
        case disabled
    }

    private func requestProducerId() async -> Result<ProducerIdentityOrDisabled, KafkaClientError> {
        do {
            let connection = try await cluster.anyConnection()
            guard connection.versions.supports(.initProducerId) else {
                if configuration.enableIdempotence == true {
                    return .failure(KafkaClientError(
                        .unsupportedVersion, "broker \(connection.address) lacks InitProducerId: set enableIdempotence = false"))
                }
                logger.info("broker \(connection.address) lacks InitProducerId: producing without idempotence")
                return .success(.disabled)
            }
            var request = InitProducerIdRequest()
            request.transactionalId = nil
            request.transactionTimeoutMs = Int32.max
            let response = try await connection.send(request)
            let error = ErrorCode(response.errorCode)
            guard error == .noError else { return .failure(.broker(error, "InitProducerId failed")) }
            return .success(.identity(ProducerIdentity(id: response.producerId, epoch: response.producerEpoch)))
        } catch {
            return .failure(Self.clientError(error))
        }
    }
}
