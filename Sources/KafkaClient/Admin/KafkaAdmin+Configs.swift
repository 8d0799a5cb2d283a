import KafkaProtocol

extension KafkaAdmin {
    /// Reads configs with their sources (and synonyms, DescribeConfigs v1+). Broker resources go to
    /// that broker; topic resources to any broker.
    public func describeConfigs(_ resources: [ConfigResource], includeSynonyms: Bool = true) async throws -> [ConfigResourceResult] {
        var results: [ConfigResource: ConfigResourceResult] = [:]
        for (node, group) in route(resources) {
            var request = DescribeConfigsRequest()
            request.includeSynonyms = includeSynonyms
            request.resources = group.map { .init(resourceType: $0.kind.rawValue, resourceName: $0.name, configurationKeys: nil) }
            let connection = try await connection(to: node)
            let version = try connection.version(.describeConfigs)
            let response = try await connection.send(request, version: version)
            for result in response.results {
                guard let kind = ConfigResource.Kind(rawValue: result.resourceType) else { continue }
                let resource = ConfigResource(kind, result.resourceName)
                let entries = result.configs.map { config in
                    ConfigEntry(
                        name: config.name, value: config.value,
                        source: version == 0
                            ? (config.isDefault ? .defaultConfig : .unknown)
                            : ConfigSource(rawValue: config.configSource) ?? .unknown,
                        isReadOnly: config.readOnly, isSensitive: config.isSensitive,
                        synonyms: config.synonyms.map {
                            .init(name: $0.name, value: $0.value, source: ConfigSource(rawValue: $0.source) ?? .unknown)
                        })
                }
                results[resource] = ConfigResourceResult(
                    resource: resource, entries: entries,
                    error: itemError(result.errorCode, result.errorMessage, "cannot describe configs of \(resource)"))
            }
        }
        return resources.map {
            results[$0] ?? ConfigResourceResult(
                resource: $0, entries: [], error: KafkaClientError(.malformedResponse, "no answer for \($0) in DescribeConfigs"))
        }
    }

    /// Sets, deletes, appends to or subtracts from configs, per resource.
    public func incrementalAlterConfigs(
        _ changes: [ConfigResource: [AlterConfigOp]], validateOnly: Bool = false
    ) async throws -> [AdminItemResult] {
        var results: [AdminItemResult] = []
        for (node, group) in route(Array(changes.keys)) {
            var request = IncrementalAlterConfigsRequest()
            request.validateOnly = validateOnly
            request.resources = group.map { resource in
                .init(
                    resourceType: resource.kind.rawValue, resourceName: resource.name,
                    configs: (changes[resource] ?? []).map {
                        .init(name: $0.name, configOperation: $0.operation.rawValue, value: $0.value)
                    })
            }
            let connection = try await connection(to: node)
            let response = try await connection.send(request)
            results += response.responses.map {
                let name = "\(ConfigResource.Kind(rawValue: $0.resourceType).map { "\($0)" } ?? "\($0.resourceType)")-\($0.resourceName)"
                return AdminItemResult(name: name, error: itemError($0.errorCode, $0.errorMessage, "cannot alter configs of \(name)"))
            }
        }
        return results
    }

    /// Broker (and broker logger) resources go to the broker they name; the rest to any broker (nil).
    private func route(_ resources: [ConfigResource]) -> [(Int32?, [ConfigResource])] {
        var byNode: [Int32?: [ConfigResource]] = [:]
        for resource in resources {
            let node: Int32? = resource.kind == .topic ? nil : Int32(resource.name)
            byNode[node, default: []].append(resource)
        }
        return byNode.sorted { ($0.key ?? -1) < ($1.key ?? -1) }
    }
}
