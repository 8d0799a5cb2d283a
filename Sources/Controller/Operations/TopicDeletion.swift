import KafkaProtocol

extension ControllerStateMachine {
    /// DeleteTopics by name (all versions) or by id (v6+): a RemoveTopicRecord per existing topic.
    public func deleteTopics(_ request: DeleteTopicsRequest, version: Int16) -> ControllerResult<DeleteTopicsResponse> {
        var response = DeleteTopicsResponse()
        var records: [any KafkaMetadataRecord] = []
        let deletionEnabled = configs.brokerValue("delete.topic.enable") != "false"
        let targets: [(name: String?, id: KafkaUUID)] =
            version >= 6 ? request.topics.map { ($0.name, $0.topicId) } : request.topicNames.map { ($0, KafkaUUID.zero) }
        var removed = Set<KafkaUUID>()
        for target in targets {
            var result = DeleteTopicsResponse.DeletableTopicResult(name: target.name, topicId: target.id)
            do throws(ControllerError) {
                let topic = try resolve(target)
                result.name = topic.name
                result.topicId = topic.id
                guard deletionEnabled else { throw ControllerError(.topicDeletionDisabled, "Topic deletion is disabled.") }
                if removed.insert(topic.id).inserted { records.append(RemoveTopicRecord(topicId: topic.id)) }
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.responses.append(result)
        }
        return ControllerResult(records: records, response: response)
    }

    private func resolve(_ target: (name: String?, id: KafkaUUID)) throws(ControllerError) -> TopicImage {
        switch (target.name, target.id.isZero) {
        case (let name?, true):
            guard let topic = image.topic(named: name) else {
                throw ControllerError(.unknownTopicOrPartition, "This server does not host this topic-partition.")
            }
            return topic
        case (nil, false):
            guard let topic = image.topic(id: target.id) else {
                throw ControllerError(.unknownTopicId, "This server does not host this topic ID.")
            }
            return topic
        default:
            throw ControllerError(.invalidRequest, "A topic must be named by exactly one of its name and its id.")
        }
    }
}
