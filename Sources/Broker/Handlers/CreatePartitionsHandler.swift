import KafkaProtocol

/// CreatePartitions (key 37), versions 0-3: adds partitions to topics; never removes any.
struct CreatePartitionsHandler: APIHandler {
    typealias Request = CreatePartitionsRequest
    static let versions: ClosedRange<Int16> = 0...3

    let broker: BrokerContext

    func handle(_ request: CreatePartitionsRequest, context: RequestContext) async throws -> CreatePartitionsResponse? {
        await broker.controller.createPartitions(request)
    }
}
