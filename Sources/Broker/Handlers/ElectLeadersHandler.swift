import KafkaProtocol

/// ElectLeaders (key 43), versions 0-2: an admin asks for preferred (moving leadership back to each
/// partition's first replica) or unclean leader elections (KIP-460). Any broker takes it; the
/// controller decides.
struct ElectLeadersHandler: APIHandler {
    typealias Request = ElectLeadersRequest
    static let versions: ClosedRange<Int16> = 0...2

    let broker: BrokerContext

    func handle(_ request: ElectLeadersRequest, context: RequestContext) async throws -> ElectLeadersResponse? {
        await broker.controller.electLeaders(request, version: context.apiVersion)
    }
}
