import KafkaProtocol

/// BrokerRegistration (key 62), versions 0-3: a broker joining the cluster asks the controller to
/// record it; the answer is its broker epoch. Other brokers answer NOT_CONTROLLER.
struct BrokerRegistrationHandler: APIHandler {
    typealias Request = BrokerRegistrationRequest
    static let versions: ClosedRange<Int16> = 0...3

    let broker: BrokerContext

    func handle(_ request: BrokerRegistrationRequest, context: RequestContext) async throws -> BrokerRegistrationResponse? {
        await broker.controller.registerBroker(request)
    }
}
