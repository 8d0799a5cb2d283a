import KafkaProtocol

/// InitProducerId (key 22), versions 0-5: a new producer id (epoch 0) for an idempotent producer, from
/// a block reserved in the metadata log so that ids are never handed out twice. Transactional ids need
/// a transaction coordinator, which Gregor does not have yet: they are refused with a clear message.
struct InitProducerIdHandler: APIHandler {
    typealias Request = InitProducerIdRequest
    static let versions: ClosedRange<Int16> = 0...5

    let broker: BrokerContext

    func handle(_ request: InitProducerIdRequest, context: RequestContext) async throws -> InitProducerIdResponse? {
        var response = InitProducerIdResponse()
        if let transactionalId = request.transactionalId, !transactionalId.isEmpty {
            broker.logger.notice("refused a transactional producer", metadata: ["transactional.id": "\(transactionalId)"])
            response.errorCode = ErrorCode.invalidRequest.rawValue
            return response
        }
        do {
            response.producerId = try await broker.controller.allocateProducerId(nodeId: broker.config.nodeId)
            response.producerEpoch = 0
        } catch {
            broker.logger.error("producer id allocation failed", metadata: ["error": "\(error)"])
            response.errorCode = ErrorCode.kafkaStorageError.rawValue
        }
        return response
    }
}
