import KafkaProtocol

extension ControllerStateMachine {
    /// IncrementalAlterConfigs operations (KIP-339).
    public enum ConfigOperation: Int8, Sendable {
        case set = 0, delete = 1, append = 2, subtract = 3
    }

    /// IncrementalAlterConfigs on topics and brokers: each resource succeeds or fails as a whole.
    public func incrementalAlterConfigs(_ request: IncrementalAlterConfigsRequest) -> ControllerResult<IncrementalAlterConfigsResponse> {
        var response = IncrementalAlterConfigsResponse()
        var records: [any KafkaMetadataRecord] = []
        for resource in request.resources {
            var result = IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(
                resourceType: resource.resourceType, resourceName: resource.resourceName)
            result.errorMessage = nil
            do throws(ControllerError) {
                let target = try configResource(type: resource.resourceType, name: resource.resourceName)
                var changes: [(String, String?)] = []
                for config in resource.configs {
                    guard let operation = ConfigOperation(rawValue: config.configOperation) else {
                        throw ControllerError(.invalidRequest, "Unknown config operation \(config.configOperation)")
                    }
                    changes.append((config.name, try newValue(config.name, operation, config.value, target: target)))
                }
                let planned = try configRecords(target, changes)
                if !request.validateOnly { records += planned }
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.responses.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    /// AlterConfigs (the older API): the given configs replace all dynamic configs of the resource.
    public func alterConfigs(_ request: AlterConfigsRequest) -> ControllerResult<AlterConfigsResponse> {
        var response = AlterConfigsResponse()
        var records: [any KafkaMetadataRecord] = []
        for resource in request.resources {
            var result = AlterConfigsResponse.AlterConfigsResourceResponse(
                resourceType: resource.resourceType, resourceName: resource.resourceName)
            result.errorMessage = nil
            do throws(ControllerError) {
                let target = try configResource(type: resource.resourceType, name: resource.resourceName)
                let given = Dictionary(resource.configs.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
                var changes: [(String, String?)] = given.map { ($0.key, $0.value) }
                for existing in (image.configs[target] ?? [:]).keys where given[existing] == nil { changes.append((existing, nil)) }
                let planned = try configRecords(target, changes.sorted { $0.0 < $1.0 })
                if !request.validateOnly { records += planned }
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.responses.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    func configResource(type: Int8, name: String) throws(ControllerError) -> ConfigResource {
        guard let resource = ConfigResource(type: type, name: name) else {
            throw ControllerError(.invalidRequest, "Unsupported resource type \(type) or name '\(name)'")
        }
        switch resource {
        case .topic(let topic):
            guard image.topicsByName[topic] != nil else {
                throw ControllerError(.unknownTopicOrPartition, "The topic '\(topic)' does not exist.")
            }
        case .broker(let id):
            guard image.brokers[id] != nil else { throw ControllerError(.invalidRequest, "Broker \(id) is not registered.") }
        case .clusterDefaultBroker:
            break
        }
        return resource
    }

    /// The value after one incremental operation (nil = remove the dynamic value).
    private func newValue(_ name: String, _ operation: ConfigOperation, _ value: String?, target: ConfigResource) throws(ControllerError) -> String? {
        switch operation {
        case .set: return value
        case .delete: return nil
        case .append, .subtract:
            let definition = target.type == ConfigResource.topicType ? TopicConfigCatalog.named(name) : BrokerConfigCatalog.named(name)
            guard definition?.type == .list else {
                throw ControllerError(.invalidConfig, "Config value append/subtract is only supported for list type configs, not \(name)")
            }
            let current = (image.configs[target]?[name] ?? definition?.defaultValue ?? "").split(separator: ",").map(String.init)
            let items = (value ?? "").split(separator: ",").map(String.init)
            let updated = operation == .append ? current + items.filter { !current.contains($0) } : current.filter { !items.contains($0) }
            return updated.joined(separator: ",")
        }
    }

    /// ConfigRecords for validated changes; the first invalid change fails the resource.
    private func configRecords(_ target: ConfigResource, _ changes: [(String, String?)]) throws(ControllerError) -> [any KafkaMetadataRecord] {
        var records: [any KafkaMetadataRecord] = []
        for (name, value) in changes {
            let problem = target.type == ConfigResource.topicType
                ? TopicConfigCatalog.validate(name: name, value: value) : BrokerConfigCatalog.validateDynamic(name: name, value: value)
            if let problem { throw ControllerError(.invalidConfig, problem) }
            records.append(ConfigRecord(resourceType: target.type, resourceName: target.name, name: name, value: value))
        }
        return records
    }
}
