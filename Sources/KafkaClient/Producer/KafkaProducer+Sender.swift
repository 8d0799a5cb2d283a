import KafkaProtocol
import KafkaRecords
import NIOCore

extension KafkaProducer {
    /// Asks for a drain on the sender loop (coalesced: one pending drain at a time).
    func wake() {
        let schedule = state.withLock { state -> Bool in
            guard !state.drainScheduled else { return false }
            state.drainScheduled = true
            return true
        }
        if schedule { loop.execute { self.drainNow() } }
    }

    /// Makes sure a drain runs at `deadline` (a batch lingers out, or a retry backoff ends).
    func scheduleDrain(at deadline: NIODeadline) {
        let schedule = state.withLock { state -> Bool in
            if let pending = state.timerDeadline, pending <= deadline { return false }
            state.timerDeadline = deadline
            return true
        }
        guard schedule else { return }
        loop.scheduleTask(deadline: deadline) {
            self.state.withLock { state in if state.timerDeadline == deadline { state.timerDeadline = nil } }
            self.drainNow()
        }
    }

    func drainNow() {
        let now = NIODeadline.now()
        let cluster = self.cluster
        let (plan, expired) = state.withLock { state in
            state.drainScheduled = false
            var plan = state.drain(now: now, configuration: configuration) { cluster.cachedConnection(to: $0) != nil }
            plan.connect.subtract(state.connecting)
            state.connecting.formUnion(plan.connect)
            var expired = CompletionPlan()
            for batch in plan.expired {
                expired.resumed += state.finish(batch)
                expired.completions.append((batch, .failure(KafkaClientError(
                    .deliveryTimedOut, "\(batch.recordCount) record(s) for \(batch.topicPartition) expired after delivery.timeout.ms"))))
            }
            return (plan, expired)
        }
        run(expired)
        if let stale = staleTopics(now: now) { cluster.requestMetadataRefresh(topics: stale) }
        if !plan.refresh.isEmpty {
            cluster.requestMetadataRefresh(topics: plan.refresh)
            scheduleDrain(at: now + cluster.configuration.retryBackoff.timeAmount)
        }
        if let next = plan.nextDeadline { scheduleDrain(at: next) }
        for node in plan.connect { connect(node) }
        if plan.startProducerIdRequest { startProducerIdRequest() }
        for request in plan.requests { send(request) }
    }

    /// The producer's topics when its metadata is older than `metadata.max.age.ms` (so new partitions
    /// and moved leaders are seen without waiting for an error), else nil.
    private func staleTopics(now: NIODeadline) -> Set<String>? {
        let maxAge = cluster.configuration.metadataMaxAge.timeAmount
        return state.withLock { state in
            guard now - state.metadata.fetchedAt > maxAge, !state.active.isEmpty else { return nil }
            return Set(state.active.map(\.topic))
        }
    }

    private func connect(_ node: Int32) {
        Task {
            do {
                _ = try await cluster.connection(to: node)
            } catch {
                logger.debug("producer cannot reach broker \(node): \(error)")
                try? await Task.sleep(for: cluster.configuration.retryBackoff)
                // The broker may have moved or left: ask again where the leaders are.
                cluster.requestMetadataRefresh(topics: state.withLock { Set($0.active.map(\.topic)) })
            }
            state.withLock { _ = $0.connecting.remove(node) }
            wake()
        }
    }

    /// Builds and sends one Produce request; its batches complete when the answer comes.
    private func send(_ request: DrainedRequest) {
        guard let connection = cluster.cachedConnection(to: request.node) else {
            return finish(request, transportError: KafkaClientError(.connectionClosed, "connection to broker \(request.node) is gone"))
        }
        var produce = ProduceRequest()
        produce.acks = configuration.acks.rawValue
        produce.timeoutMs = cluster.configuration.requestTimeout.milliseconds32
        var topicIndex: [String: Int] = [:]
        var unbuildable: [(ProducerBatch, KafkaClientError)] = []
        for batch in request.batches {
            let records: RecordBatch
            do {
                records = try batch.stamped()
            } catch {
                unbuildable.append((batch, error))
                continue
            }
            let tp = batch.topicPartition
            let index = topicIndex[tp.topic] ?? {
                produce.topicData.append(.init(name: tp.topic, partitionData: []))
                topicIndex[tp.topic] = produce.topicData.count - 1
                return produce.topicData.count - 1
            }()
            produce.topicData[index].partitionData.append(.init(index: tp.partition, records: .bytes(records.bytes)))
        }
        let version: Int16
        do {
            version = try connection.version(.produce)
        } catch {
            return finish(request, fatal: error)
        }
        let failures = Dictionary(unbuildable.map { ($0.0.topicPartition, $0.1) }, uniquingKeysWith: { a, _ in a })
        if configuration.acks == .none {
            connection.sendWithoutResponse(produce, version: version).whenComplete { result in
                switch result {
                case .success: self.finish(request) { tp in failures[tp].map { .transportFailure($0) } ?? .success(baseOffset: -1, logAppendTime: -1) }
                case .failure(let error): self.finish(request, transportError: Self.clientError(error))
                }
            }
            return
        }
        connection.sendFuture(produce, version: version).whenComplete { result in
            switch result {
            case .success(let response):
                var outcomes: [TopicPartition: PartitionOutcome] = [:]
                for topic in response.responses {
                    for partition in topic.partitionResponses {
                        let tp = TopicPartition(topic.name, partition.index)
                        let code = ErrorCode(partition.errorCode)
                        outcomes[tp] = code == .noError
                            ? .success(baseOffset: partition.baseOffset, logAppendTime: partition.logAppendTimeMs)
                            : .error(code, message: partition.errorMessage)
                    }
                }
                self.finish(request) { tp in
                    outcomes[tp] ?? .error(.unknownServerError, message: "no result for \(tp) in the Produce response")
                }
            case .failure(let error):
                self.finish(request, transportError: Self.clientError(error))
            }
        }
    }

    static func clientError(_ error: any Error) -> KafkaClientError {
        (error as? KafkaClientError) ?? KafkaClientError(.connectionClosed, "\(error)")
    }

    private func finish(_ request: DrainedRequest, transportError: KafkaClientError) {
        finish(request) { _ in .transportFailure(transportError) }
    }

    private func finish(_ request: DrainedRequest, fatal: any Error) {
        let error = Self.clientError(fatal)
        finish(request) { _ in .error(.unsupportedVersion, message: error.message) }
    }

    private func finish(_ request: DrainedRequest, outcomes: (TopicPartition) -> PartitionOutcome) {
        let now = NIODeadline.now()
        let backoff = cluster.configuration.retryBackoff.timeAmount
        let plan = state.withLock { state in
            state.complete(request, outcomes: outcomes, now: now, configuration: configuration, backoff: backoff)
        }
        if !plan.refresh.isEmpty { cluster.requestMetadataRefresh(topics: plan.refresh) }
        if plan.retried > 0 { scheduleDrain(at: now + backoff) }
        run(plan)
        wake()
    }

    /// Runs callbacks, then wakes waiters (so `flush()` returns after its records' callbacks ran),
    /// outside the lock.
    func run(_ plan: CompletionPlan) {
        for (batch, result) in plan.completions { batch.complete(result) }
        for waiter in plan.resumed { waiter.resume() }
    }
}
