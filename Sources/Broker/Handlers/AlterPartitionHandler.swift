import KafkaProtocol

/// AlterPartition (key 56), versions 2-3: a partition leader asks the controller to change the ISR
/// (KIP-497; v3 carries each member's broker epoch, KIP-903). Brokers send it, not clients, so the
/// versions before topic ids are not served.
struct AlterPartitionHandler: APIHandler {
    typealias Request = AlterPartitionRequest
    static let versions: ClosedRange<Int16> = 2...3

    let broker: BrokerContext

    func handle(_ request: AlterPartitionRequest, context: RequestContext) async throws -> AlterPartitionResponse? {
        await broker.controller.alterPartition(request, version: context.apiVersion)
    }
}
