import KafkaProtocol

/// AlterConfigs (key 33), versions 0-2: replaces all dynamic configs of a topic or broker with the
/// given ones (the older API; IncrementalAlterConfigs changes keys one by one).
struct AlterConfigsHandler: APIHandler {
    typealias Request = AlterConfigsRequest
    static let versions: ClosedRange<Int16> = 0...2

    let broker: BrokerContext

    func handle(_ request: AlterConfigsRequest, context: RequestContext) async throws -> AlterConfigsResponse? {
        await broker.controller.alterConfigs(request)
    }
}
