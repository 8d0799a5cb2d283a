import KafkaProtocol
import KafkaRecords

extension ConsumerCoordinator {
    /// Commits offsets (OffsetCommit v2+), retrying retriable errors until `deadline`.
    ///
    /// As a group member (`asMember`) the commit carries the stable generation, member id and
    /// `group.instance.id`; during a rebalance it fails with `.rebalanceInProgress`, and after the
    /// group moved on without this member with `.commitFailed` (the member resets and rejoins at the next
    /// poll), as Kafka's `commitSync`. Otherwise (manual assignment) it commits as generation -1.
    func commit(_ offsets: [TopicPartition: OffsetAndMetadata], asMember: Bool, until deadline: ContinuousClock.Instant) async throws {
        guard !offsets.isEmpty else { return }
        if let negative = offsets.first(where: { $0.value.offset < 0 }) {
            throw KafkaClientError(.invalidArgument, "cannot commit negative offset \(negative.value.offset) for \(negative.key)")
        }
        try await retrying(until: deadline, "committing offsets") { connection -> Attempt<Void> in
            var committer = OffsetExchange.Committer.none
            var sent = GroupMembership.Generation.none
            if asMember {
                let membership = self.membership
                guard let generation = membership.generationIfStable else {
                    if membership.rebalanceInProgress {
                        throw KafkaClientError(.rebalanceInProgress, "cannot commit while group '\(groupId)' rebalances: poll to finish the rebalance, then commit again")
                    }
                    throw KafkaClientError(.commitFailed, "cannot commit: this consumer is not in group '\(groupId)' now (it was removed or is rejoining); its partitions may belong to another member")
                }
                sent = generation
                committer = .init(generationId: generation.generationId, memberId: generation.memberId, groupInstanceId: groupInstanceId)
            }
            let version = try connection.version(.offsetCommit)
            let request = OffsetExchange.commitRequest(group: groupId, offsets: offsets, committer: committer, version: version)
            let response = try await connection.send(request, version: version)
            guard let (tp, error) = OffsetExchange.commitErrors(response).min(by: { $0.key < $1.key }) else { return .done(()) }
            let failure = KafkaClientError.broker(error, "commit of \(tp) for group '\(groupId)' failed")
            guard asMember else {
                if error.meansCoordinatorMoved { return .coordinatorMoved(failure) }
                if error == .coordinatorLoadInProgress || error == .unknownTopicOrPartition { return .retry(failure) }
                throw failure
            }
            switch withMembership({ $0.commitFailed(error, sent: sent) }) {
            case .retry: return .retry(failure)
            case .coordinatorMoved: return .coordinatorMoved(failure)
            case .rebalanceInProgress:
                throw KafkaClientError(.rebalanceInProgress, "commit failed: group '\(groupId)' is rebalancing; poll to finish the rebalance, then commit again", brokerError: error)
            case .commitFailed:
                throw KafkaClientError(.commitFailed, "commit failed: group '\(groupId)' rebalanced without this member (\(error.name)); its partitions may belong to another member now", brokerError: error)
            case .fail: throw failure
            }
        }
    }

    /// The committed offsets of `partitions` (OffsetFetch with require_stable from v7); partitions
    /// without one are absent.
    func fetchCommitted(_ partitions: [TopicPartition], until deadline: ContinuousClock.Instant) async throws -> [TopicPartition: OffsetAndMetadata] {
        guard !partitions.isEmpty else { return [:] }
        return try await retrying(until: deadline, "fetching committed offsets") { connection -> Attempt<[TopicPartition: OffsetAndMetadata]> in
            let version = try connection.version(.offsetFetch)
            let request = try OffsetExchange.fetchRequest(group: groupId, partitions: partitions, version: version, requireStable: true)
            let response = try await connection.send(request, version: version)
            let fetched = OffsetExchange.fetchResponse(response, group: groupId, version: version)
            if fetched.error != .noError {
                let failure = KafkaClientError.broker(fetched.error, "OffsetFetch for group '\(groupId)' failed")
                if fetched.error.meansCoordinatorMoved { return .coordinatorMoved(failure) }
                if fetched.error.isRetriable { return .retry(failure) }
                throw failure
            }
            var offsets: [TopicPartition: OffsetAndMetadata] = [:]
            for (tp, entry) in fetched.partitions {
                switch entry.error {
                case .noError: offsets[tp] = entry.offset
                case .unstableOffsetCommit:
                    return .retry(.broker(entry.error, "\(tp) has a pending transactional commit in group '\(groupId)'"))
                case .unknownTopicOrPartition:
                    throw KafkaClientError(.unknownTopicOrPartition, "\(tp) does not exist (OffsetFetch for group '\(groupId)')")
                default: throw KafkaClientError.broker(entry.error, "OffsetFetch of \(tp) for group '\(groupId)' failed")
                }
            }
            return .done(offsets)
        }
    }
}
