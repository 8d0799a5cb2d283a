import KafkaProtocol

/// DescribeCluster (key 60), versions 0-1: the brokers, the controller and the cluster id, as the
/// admin client asks for them.
struct DescribeClusterHandler: APIHandler {
    typealias Request = DescribeClusterRequest
    static let versions: ClosedRange<Int16> = 0...1

    let broker: BrokerContext

    func handle(_ request: DescribeClusterRequest, context: RequestContext) async throws -> DescribeClusterResponse? {
        let image = broker.metadata.image
        var response = DescribeClusterResponse()
        // Endpoint type 1 = brokers (KIP-919); Gregor has no separate controller listener to describe.
        if context.apiVersion >= 1 && request.endpointType != 1 {
            response.errorCode = ErrorCode.unsupportedEndpointType.rawValue
            response.errorMessage = "Gregor describes broker endpoints only (endpoint type 1)."
            return response
        }
        response.errorMessage = nil
        response.clusterId = image.clusterId
        response.controllerId = broker.controller.controllerId.id
        response.brokers = image.liveBrokers.map {
            DescribeClusterResponse.DescribeClusterBroker(brokerId: $0.id, host: $0.host, port: $0.port, rack: $0.rack)
        }
        return response
    }
}
