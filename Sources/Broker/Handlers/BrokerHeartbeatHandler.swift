import KafkaProtocol

/// BrokerHeartbeat (key 63), versions 0-1: a registered broker renews its session with the
/// controller, asks to be unfenced or to shut down, and learns whether it is fenced (KIP-631). Other
/// brokers answer NOT_CONTROLLER.
struct BrokerHeartbeatHandler: APIHandler {
    typealias Request = BrokerHeartbeatRequest
    static let versions: ClosedRange<Int16> = 0...1

    let broker: BrokerContext

    func handle(_ request: BrokerHeartbeatRequest, context: RequestContext) async throws -> BrokerHeartbeatResponse? {
        await broker.controller.brokerHeartbeat(request)
    }
}
