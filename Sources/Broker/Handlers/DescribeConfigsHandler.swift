import Controller
import KafkaProtocol

/// DescribeConfigs (key 32), versions 0-4: every topic or broker config Gregor honours with its value,
/// where the value comes from (topic, dynamic broker, static broker, default), its synonyms (v1+) and
/// its type and documentation (v3+).
struct DescribeConfigsHandler: APIHandler {
    typealias Request = DescribeConfigsRequest
    static let versions: ClosedRange<Int16> = 0...4

    let broker: BrokerContext

    func handle(_ request: DescribeConfigsRequest, context: RequestContext) async throws -> DescribeConfigsResponse? {
        let resolver = await broker.controller.configResolver
        var response = DescribeConfigsResponse()
        for resource in request.resources {
            var result = DescribeConfigsResponse.DescribeConfigsResult(
                errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            switch ConfigResource(type: resource.resourceType, name: resource.resourceName) {
            case .topic(let name)? where resolver.image.topic(named: name) != nil:
                result.configs = describe(resolver.resolvedTopicConfigs(name), request, resource, context.apiVersion)
            case .topic?:
                result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                result.errorMessage = "The topic '\(resource.resourceName)' does not exist."
            case .broker(let id)? where id == broker.config.nodeId:
                result.configs = describe(resolver.resolvedBrokerConfigs(), request, resource, context.apiVersion)
            case .clusterDefaultBroker?:
                result.configs = describe(resolver.resolvedBrokerConfigs(), request, resource, context.apiVersion)
            default:
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Gregor describes topics and its own broker (\(broker.config.nodeId)) only."
            }
            response.results.append(result)
        }
        return response
    }

    private func describe(
        _ configs: [ResolvedConfig], _ request: DescribeConfigsRequest, _ resource: DescribeConfigsRequest.DescribeConfigsResource,
        _ version: Int16
    ) -> [DescribeConfigsResponse.DescribeConfigsResourceResult] {
        let wanted = resource.configurationKeys.map(Set.init)
        return configs.filter { wanted?.contains($0.name) ?? true }.map { config in
            var result = DescribeConfigsResponse.DescribeConfigsResourceResult(
                name: config.name, value: config.value, readOnly: config.isReadOnly, isSensitive: false)
            if version == 0 {
                result.isDefault = config.source == .defaultConfig
            } else {
                result.configSource = config.source.rawValue
                if request.includeSynonyms {
                    result.synonyms = config.synonyms.map {
                        DescribeConfigsResponse.DescribeConfigsSynonym(name: $0.name, value: $0.value, source: $0.source.rawValue)
                    }
                }
            }
            if version >= 3 {
                result.configType = config.type.rawValue
                result.documentation = request.includeDocumentation ? config.documentation : nil
            }
            return result
        }
    }
}
