import KafkaProtocol
import KafkaRecords
import NIOCore

extension KafkaConsumer {
    /// Joins or rejoins the group when needed, from poll (Kafka's `joinGroupIfNeeded`): prepare (commit,
    /// revoke or lose), JoinGroup/SyncGroup in a task of its own, then apply the assignment. Returns
    /// false when `deadline` passed first; the join goes on and the next poll picks it up.
    func ensureActiveGroup(until deadline: ContinuousClock.Instant) async throws -> Bool {
        guard let coordinator, group.isSubscribed else { return true }
        coordinator.recordPoll()
        if let fatal = coordinator.membership.fatalError { throw fatal }
        if group.heartbeats == nil { group.heartbeats = Task { await coordinator.runHeartbeats() } }
        checkRejoinTriggers(coordinator)
        // Re-checked after every await: unsubscribe or close may have run meanwhile.
        while group.isSubscribed, !closed, group.pendingJoin != nil || coordinator.membership.rejoinNeeded {
            if group.pendingJoin == nil {
                let prepare = coordinator.withMembership { membership -> Bool in
                    defer { membership.needsJoinPrepare = false }
                    return membership.needsJoinPrepare
                }
                if prepare { try await prepareJoin(coordinator) }
                startJoin(coordinator)
            }
            guard let outcome = await group.pendingJoin?.value(until: deadline) else { return false }
            group.pendingJoin = nil
            switch outcome {
            case .joined(let generation, let bytes, let counts):
                let membership = coordinator.membership
                guard membership.generationIfStable == generation else {
                    // The heartbeat task reset the member while the answer was on its way.
                    coordinator.withMembership { $0.reset(keepMemberId: false, reason: "generation changed before the assignment was applied") }
                    continue
                }
                coordinator.withMembership { $0.needsJoinPrepare = true }
                try await completeJoin(generation, assignment: bytes, partitionCounts: membership.isLeader ? counts : nil)
            case .failed(let error, let reaction):
                switch reaction {
                case .retryNow, .ignore: continue
                case .fail: throw error
                case .backoff, .coordinatorMoved:
                    logger.debug("joining group '\(coordinator.groupId)' failed, retrying: \(error)")
                    let now = ContinuousClock.now
                    guard now < deadline else { return false }
                    try await Task.sleep(for: min(cluster.configuration.retryBackoff, deadline - now))
                }
            }
        }
        return true
    }

    private func startJoin(_ coordinator: ConsumerCoordinator) {
        let generation = coordinator.membership.generation.generationId
        let owned = order
        let protocols = configuration.assignors.map { assignor in
            let subscription = ConsumerSubscription(
                topics: group.topics, userData: assignor.subscriptionUserData(topics: group.topics, generation: group.assignedGeneration),
                ownedPartitions: owned, generationId: generation)
            return JoinGroupRequest.JoinGroupRequestProtocol(name: assignor.name, metadata: subscription.encoded())
        }
        group.joinedTopics = group.topics
        let leader = GroupLeaderAssignment(
            cluster: cluster, assignors: configuration.assignors, allowAutoCreate: configuration.allowAutoCreateTopics)
        group.pendingJoin = PendingResult.start { await coordinator.joinGroup(protocols: protocols, leader: leader) }
    }

    /// Before a join (Kafka's `onJoinPrepare`): commit what was consumed, then give partitions up —
    /// all of them as lost when the member was reset, all revoked when eager, and under cooperative only
    /// those of topics no longer subscribed.
    private func prepareJoin(_ coordinator: ConsumerCoordinator) async throws {
        if configuration.enableAutoCommit, coordinator.membership.generationIfStable != nil {
            do {
                let budget = min(configuration.maxPollInterval, cluster.configuration.requestTimeout)
                try await coordinator.commit(consumedOffsets(), asMember: true, until: .now + budget)
            } catch {
                logger.warning("auto-commit before rebalancing group '\(coordinator.groupId)' failed: \(error)")
            }
        }
        group.leaderPartitionCounts = nil
        let owned = order.sorted()
        // The callbacks run while the partitions are still assigned, so they can commit positions.
        var callback: (any Error)?
        if coordinator.membership.generation.isReset {
            guard !owned.isEmpty else { return }
            logger.info("group \(coordinator.groupId): giving up \(owned) as lost (no longer in the group)")
            do { try await group.listener?.onPartitionsLost(owned, consumer: self) } catch { callback = error }
            setAssignment([])
        } else if coordinator.rebalanceProtocol == .eager {
            do { try await group.listener?.onPartitionsRevoked(owned, consumer: self) } catch { callback = error }
            setAssignment([])
        } else {
            let subscribed = Set(group.topics)
            let revoked = owned.filter { !subscribed.contains($0.topic) }
            guard !revoked.isEmpty else { return }
            do { try await group.listener?.onPartitionsRevoked(revoked, consumer: self) } catch { callback = error }
            setAssignment(order.filter { subscribed.contains($0.topic) })
        }
        if let callback { throw callback }
    }

    /// After SyncGroup (Kafka's `onJoinComplete`): under cooperative, revoke what is no longer assigned
    /// and rejoin; adopt the assignment; call assigned with what was added (also when nothing was).
    private func completeJoin(
        _ generation: GroupMembership.Generation, assignment bytes: ByteBuffer, partitionCounts: [String: Int]?
    ) async throws {
        guard let coordinator else { return }
        guard bytes.readableBytes >= 2 else {
            coordinator.withMembership { $0.requestRejoin("the assignment from SyncGroup was empty") }
            throw KafkaClientError(.malformedResponse, "group '\(coordinator.groupId)' gave this member an empty assignment (\(bytes.readableBytes) bytes)")
        }
        let assignment = try ConsumerAssignment(decoding: bytes)
        group.leaderPartitionCounts = partitionCounts
        group.nextLeaderMetadataCheck = partitionCounts.map { .now + leaderMetadataInterval($0) }
        group.assignedGeneration = generation.generationId
        let subscribed = Set(group.topics)
        let assigned = Set(assignment.partitions)
        guard assigned.allSatisfy({ subscribed.contains($0.topic) }) else {
            coordinator.withMembership { $0.requestRejoin("received assignment does not match the current subscription") }
            return
        }
        let owned = Set(order)
        let added = assigned.subtracting(owned).sorted()
        var firstError: (any Error)?
        if coordinator.rebalanceProtocol == .cooperative {
            let revoked = owned.subtracting(assigned).sorted()
            if !revoked.isEmpty {
                do { try await group.listener?.onPartitionsRevoked(revoked, consumer: self) } catch { firstError = error }
                coordinator.withMembership { $0.requestRejoin("need to revoke partitions and re-join") }
            }
        }
        logger.info("group \(coordinator.groupId): generation \(generation.generationId) assigned \(assigned.sorted()) (added \(added))")
        if configuration.enableAutoCommit { group.nextAutoCommit = .now + configuration.autoCommitInterval }
        setAssignment(order.filter { assigned.contains($0) } + assigned.subtracting(owned).sorted())
        do { try await group.listener?.onPartitionsAssigned(added, consumer: self) } catch { firstError = firstError ?? error }
        if let firstError { throw firstError }
    }

    /// How often the leader looks for partition changes: `metadata.max.age.ms`, or every second while a
    /// subscribed topic is missing (so a topic created later is picked up soon).
    private func leaderMetadataInterval(_ counts: [String: Int]) -> Duration {
        counts.values.contains(0) ? min(.seconds(1), cluster.configuration.metadataMaxAge) : cluster.configuration.metadataMaxAge
    }

    /// Rejoin when the subscription changed since the last join, or (as leader) when a subscribed
    /// topic's partition count changed since the assignment; the leader refreshes those topics'
    /// metadata every `metadata.max.age.ms`.
    private func checkRejoinTriggers(_ coordinator: ConsumerCoordinator) {
        if let joined = group.joinedTopics, joined != group.topics, !coordinator.membership.rejoinNeeded {
            coordinator.withMembership { $0.requestRejoin("subscription has changed") }
        }
        guard let counts = group.leaderPartitionCounts, coordinator.membership.generationIfStable != nil else { return }
        let now = ContinuousClock.now
        if let next = group.nextLeaderMetadataCheck, now >= next {
            cluster.requestMetadataRefresh(topics: counts.keys)
            group.nextLeaderMetadataCheck = now + leaderMetadataInterval(counts)
        }
        let metadata = cluster.metadata
        for (topic, count) in counts {
            guard let entry = metadata.topics[topic] else { continue }
            let current: Int? = switch entry.error {
            case .noError: entry.partitions.isEmpty ? nil : entry.partitions.count
            case .unknownTopicOrPartition: 0
            default: nil
            }
            if let current, current != count {
                coordinator.withMembership { $0.requestRejoin("partitions of \(topic) changed from \(count) to \(current)") }
                group.leaderPartitionCounts = nil
                return
            }
        }
    }
}
