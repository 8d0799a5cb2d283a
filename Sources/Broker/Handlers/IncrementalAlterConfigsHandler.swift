import KafkaProtocol

/// IncrementalAlterConfigs (key 44), versions 0-1: set, delete, append to or subtract from single
/// config keys of topics and brokers (KIP-339).
struct IncrementalAlterConfigsHandler: APIHandler {
    typealias Request = IncrementalAlterConfigsRequest
    static let versions: ClosedRange<Int16> = 0...1

    let broker: BrokerContext

    func handle(_ request: IncrementalAlterConfigsRequest, context: RequestContext) async throws -> IncrementalAlterConfigsResponse? {
        await broker.controller.incrementalAlterConfigs(request)
    }
}
