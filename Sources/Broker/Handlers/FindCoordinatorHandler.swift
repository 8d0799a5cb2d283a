import GroupCoordinator
import KafkaProtocol

/// FindCoordinator (key 10), versions 0-5 (batched keys from v4): the broker that leads the group's
/// `__consumer_offsets` partition. The topic is created on first use, as Kafka does. Transaction
/// coordinators (key type 1) do not exist in Gregor yet and are refused.
struct FindCoordinatorHandler: APIHandler {
    typealias Request = FindCoordinatorRequest
    static let versions: ClosedRange<Int16> = 0...5

    static let groupKeyType: Int8 = 0

    let broker: BrokerContext

    func handle(_ request: FindCoordinatorRequest, context: RequestContext) async throws -> FindCoordinatorResponse? {
        let keys = context.apiVersion >= 4 ? request.coordinatorKeys : [request.key]
        var answers: [FindCoordinatorResponse.Coordinator] = []
        if request.keyType != Self.groupKeyType {
            answers = keys.map {
                Self.failure($0, .invalidRequest, "Gregor has no transaction coordinator yet: transactions are not supported.")
            }
        } else {
            if await createOffsetsTopicIfMissing() { await waitForCoordinators(of: keys) }
            let image = broker.metadata.image
            answers = keys.map { key in
                let index = broker.groups.partition(for: key)
                guard let leader = image.partition(GroupCoordinatorService.offsetsTopic, index)?.leader,
                    let node = image.brokers[leader], !node.fenced
                else { return Self.failure(key, .coordinatorNotAvailable, "The coordinator is not available.") }
                return FindCoordinatorResponse.Coordinator(key: key, nodeId: node.id, host: node.host, port: node.port, errorMessage: nil)
            }
        }
        var response = FindCoordinatorResponse()
        if context.apiVersion >= 4 {
            response.coordinators = answers
        } else if let answer = answers.first {
            response.errorCode = answer.errorCode
            response.errorMessage = answer.errorMessage
            response.nodeId = answer.nodeId
            response.host = answer.host
            response.port = answer.port
        }
        return response
    }

    /// Creates `__consumer_offsets` when it does not exist yet; true when this request asked for it.
    private func createOffsetsTopicIfMissing() async -> Bool {
        let image = broker.metadata.image
        guard image.topic(named: GroupCoordinatorService.offsetsTopic) == nil else { return false }
        let result = await broker.controller.createTopics(broker.groups.offsetsTopicRequest(liveBrokers: image.liveBrokers.count))
        if let error = result.topics.first, error.errorCode != 0, error.errorCode != ErrorCode.topicAlreadyExists.rawValue {
            broker.logger.error("could not create \(GroupCoordinatorService.offsetsTopic)", metadata: ["error": "\(error.errorMessage ?? "")"])
        }
        return true
    }

    /// Right after creating the topic, waits (up to a second) until the coordinators this broker leads
    /// for `keys` have opened. Kafka answers at once, and a client that joins a coordinator still
    /// loading gets COORDINATOR_LOAD_IN_PROGRESS and backs off for seconds (librdkafka: about 3 s), so
    /// the first group on a new broker would take twice as long to form.
    private func waitForCoordinators(of keys: [String]) async {
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            let image = broker.metadata.image
            let loading = keys.contains { key in
                if case .failure(let error) = broker.groups.shard(for: key, image: image) {
                    return error == .coordinatorLoadInProgress || error == .coordinatorNotAvailable
                }
                return false
            }
            if !loading { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    static func failure(_ key: String, _ code: ErrorCode, _ message: String) -> FindCoordinatorResponse.Coordinator {
        FindCoordinatorResponse.Coordinator(key: key, nodeId: -1, host: "", port: -1, errorCode: code.rawValue, errorMessage: message)
    }
}
