import KafkaProtocol
import KafkaRecords

extension KafkaConsumer {
    /// Commits the consumed position of every assigned partition (the offset after the last record
    /// poll returned), as Kafka's `commitSync()`. Retries retriable errors for up to `timeout`
    /// (default `request.timeout.ms`).
    ///
    /// Throws `.commitFailed` when the group rebalanced without this member (its partitions may belong
    /// to another member now; the next poll rejoins), `.rebalanceInProgress` during a rebalance (poll,
    /// then commit again), `.invalidArgument` without a `groupId`.
    public func commit(timeout: Duration? = nil) async throws {
        try await commit(offsets: consumedOffsets(), timeout: timeout)
    }

    /// Commits the given offsets (the next offset to read, per partition), as Kafka's
    /// `commitSync(offsets)`; same errors as `commit()`.
    public func commit(offsets: [TopicPartition: OffsetAndMetadata], timeout: Duration? = nil) async throws {
        let coordinator = try requireGroup("commit")
        let deadline = ContinuousClock.now + (timeout ?? cluster.configuration.requestTimeout)
        try await coordinator.commit(offsets, asMember: group.isSubscribed, until: deadline)
    }

    /// The group's committed offsets for `partitions` (OffsetFetch); partitions with none are absent.
    public func committed(_ partitions: [TopicPartition], timeout: Duration? = nil) async throws -> [TopicPartition: OffsetAndMetadata] {
        let coordinator = try requireGroup("committed")
        let deadline = ContinuousClock.now + (timeout ?? cluster.configuration.requestTimeout)
        return try await coordinator.fetchCommitted(partitions, until: deadline)
    }

    /// The consumed position of every assigned partition that has one.
    func consumedOffsets() -> [TopicPartition: OffsetAndMetadata] {
        var offsets: [TopicPartition: OffsetAndMetadata] = [:]
        for tp in order {
            if let position = consumedPosition(tp) { offsets[tp] = OffsetAndMetadata(offset: position) }
        }
        return offsets
    }

    /// Every `auto.commit.interval.ms`, from poll: one commit attempt of the consumed positions (a
    /// failure is logged; the next interval tries again), as Kafka's asynchronous auto-commit.
    func maybeAutoCommit() async {
        guard configuration.enableAutoCommit, let coordinator else { return }
        let now = ContinuousClock.now
        guard let next = group.nextAutoCommit else {
            group.nextAutoCommit = now + configuration.autoCommitInterval
            return
        }
        guard now >= next else { return }
        group.nextAutoCommit = now + configuration.autoCommitInterval
        if group.isSubscribed, coordinator.membership.generationIfStable == nil { return }
        let offsets = consumedOffsets()
        guard !offsets.isEmpty else { return }
        do {
            try await coordinator.commit(offsets, asMember: group.isSubscribed, until: now)
        } catch {
            logger.warning("auto-commit for group '\(coordinator.groupId)' failed: \(error)")
        }
    }

    /// Gives every partition that should start at the group's committed offset its position; the
    /// rest fall to `auto.offset.reset`. A retriable failure leaves them for the next poll.
    func resolveCommittedPositions() async throws {
        guard let coordinator else { return }
        let wanted = order.filter { tp in
            guard let state = partitions[tp] else { return false }
            return state.needsCommitted && state.position == nil && state.reset == nil
        }
        guard !wanted.isEmpty else { return }
        let committed: [TopicPartition: OffsetAndMetadata]
        do {
            committed = try await coordinator.fetchCommitted(wanted, until: .now + cluster.configuration.requestTimeout)
        } catch let error as KafkaClientError where error.isRetriable {
            logger.debug("cannot read committed offsets yet: \(error)")
            return
        }
        for tp in wanted {
            // A seek or a new assignment while we waited wins.
            guard let state = partitions[tp], state.needsCommitted, state.position == nil, state.reset == nil else { continue }
            partitions[tp]?.needsCommitted = false
            if let offset = committed[tp] { partitions[tp]?.position = offset.offset }
        }
    }

    private func requireGroup(_ call: String) throws(KafkaClientError) -> ConsumerCoordinator {
        guard let coordinator else {
            throw KafkaClientError(.invalidArgument, "\(call) needs a consumer group: set ConsumerConfiguration.groupId (group.id)")
        }
        return coordinator
    }
}
