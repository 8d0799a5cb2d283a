import KafkaProtocol

/// CreateTopics (key 19), versions 0-7: partitions, replication factor (at most the live brokers),
/// manual assignments, topic configs, validate-only. Errors per topic: TOPIC_ALREADY_EXISTS,
/// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG, INVALID_TOPIC_EXCEPTION.
struct CreateTopicsHandler: APIHandler {
    typealias Request = CreateTopicsRequest
    static let versions: ClosedRange<Int16> = 0...7

    let broker: BrokerContext

    func handle(_ request: CreateTopicsRequest, context: RequestContext) async throws -> CreateTopicsResponse? {
        var response = await broker.controller.createTopics(request)
        if context.apiVersion < 7 {
            for index in response.topics.indices { response.topics[index].topicId = .zero }
        }
        return response
    }
}
