import KafkaProtocol

/// DeleteTopics (key 20), versions 0-6: by name, or by topic id from v6. The logs go once the
/// deletion is committed.
struct DeleteTopicsHandler: APIHandler {
    typealias Request = DeleteTopicsRequest
    static let versions: ClosedRange<Int16> = 0...6

    let broker: BrokerContext

    func handle(_ request: DeleteTopicsRequest, context: RequestContext) async throws -> DeleteTopicsResponse? {
        var response = await broker.controller.deleteTopics(request, version: context.apiVersion)
        if context.apiVersion < 6 {
            for index in response.responses.indices {
                response.responses[index].topicId = .zero
                if response.responses[index].name == nil { response.responses[index].name = "" }
            }
        }
        return response
    }
}
