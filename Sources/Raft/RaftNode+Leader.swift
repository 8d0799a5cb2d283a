import NIOCore

extension RaftNode {
    func pollLeader(_ s: LeaderState, now: Int64) {
        var s = s
        let expired = s.heldFetches.filter { now >= $0.value.expires }.sorted { $0.key < $1.key }
        for (replica, held) in expired {
            s.heldFetches[replica] = nil
            answerFetch(held.request, from: replica, now: now)
        }
        if now >= s.nextBeginQuorumResend {
            let request = RaftMessage.BeginQuorumEpochRequest(leaderEpoch: epoch, leaderId: nodeId)
            for voter in s.unacknowledged.sorted() { send(.beginQuorumEpochRequest(request), to: voter) }
            s.nextBeginQuorumResend = now + configuration.requestTimeoutMs
        }
        if now >= s.checkQuorumDeadline {
            // Kafka's check-quorum: a leader a majority has not fetched from may be cut off; it resigns so
            // that the reachable majority can elect a leader it can hear.
            guard s.fetchedSinceCheck.count + 1 >= configuration.majority else { return resignLeadership(s, now: now) }
            s.fetchedSinceCheck = []
            s.checkQuorumDeadline = now + configuration.fetchTimeoutMs * 3 / 2
        }
        state = .leader(s)
    }

    /// A fetch from a voter or an observer (Kafka's `handleFetchRequest`): checked against the epoch,
    /// then against the log (KIP-320 divergence), then answered at once or held for up to
    /// `fetchMaxWaitMs` while there is nothing new.
    func handleFetchRequest(_ r: RaftMessage.FetchRequest, from: Int32, now: Int64) {
        guard case .leader(var s) = state, r.currentLeaderEpoch == epoch else {
            let error: RaftError =
                r.currentLeaderEpoch < epoch ? .fencedLeaderEpoch : r.currentLeaderEpoch > epoch ? .unknownLeaderEpoch : .notLeaderOrFollower
            return sendFetchAnswer(.init(error: error, leaderEpoch: epoch, leaderId: leaderId), for: r, to: from)
        }
        if let snapshotId = snapshotNeeded(by: r) {
            noteFetched(r.replicaId, in: &s)
            state = .leader(s)
            return sendFetchAnswer(.init(error: .none, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark, snapshotId: snapshotId), for: r, to: from)
        }
        if let diverging = divergence(of: r) {
            return sendFetchAnswer(.init(error: .none, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark, divergingEpoch: diverging), for: r, to: from)
        }
        var progress = (configuration.isVoter(r.replicaId) ? s.voters[r.replicaId] : s.observers[r.replicaId]) ?? .init()
        progress.endOffset = r.fetchOffset
        progress.lastFetchTime = now
        if r.fetchOffset >= log.endOffset { progress.lastCaughtUpTime = now }
        if configuration.isVoter(r.replicaId) {
            s.voters[r.replicaId] = progress
        } else {
            s.observers[r.replicaId] = progress
        }
        noteFetched(r.replicaId, in: &s)
        s.heldFetches[from] = nil
        state = .leader(s)
        // The fetcher's progress may commit entries; the answer then already carries the new mark.
        advanceHighWatermark(now: now)
        guard case .leader(var current) = state else { return }
        let heardCurrentMark = (current.sentHighWatermark[from] ?? -1) >= highWatermark
        if r.fetchOffset >= log.endOffset, heardCurrentMark {
            current.heldFetches[from] = LeaderState.HeldFetch(request: r, expires: now + configuration.fetchMaxWaitMs)
            state = .leader(current)
            return
        }
        answerFetch(r, from: from, now: now)
    }

    /// A voter that fetches (entries or a snapshot) hears this leader: it counts for check-quorum and
    /// needs no more BeginQuorumEpoch.
    func noteFetched(_ replicaId: Int32, in s: inout LeaderState) {
        guard configuration.isVoter(replicaId) else { return }
        s.fetchedSinceCheck.insert(replicaId)
        s.unacknowledged.remove(replicaId)
    }

    /// The snapshot a fetcher must download first (Kafka's `validateOffsetAndEpoch`), when this log
    /// starts at a snapshot and the fetcher's position is below it, at it with another epoch, or in an
    /// epoch older than the snapshot's (its log diverges somewhere the snapshot covers).
    func snapshotNeeded(by r: RaftMessage.FetchRequest) -> OffsetAndEpoch? {
        guard let snapshot = log.snapshotId else { return nil }
        let below = r.fetchOffset < snapshot.offset
        let atWithOtherEpoch = r.fetchOffset == snapshot.offset && r.lastFetchedEpoch != snapshot.epoch
        return below || atWithOtherEpoch || r.lastFetchedEpoch < snapshot.epoch ? snapshot : nil
    }

    /// A chunk of the snapshot a follower downloads (Kafka's `handleFetchSnapshotRequest`); only the
    /// leader serves them.
    func handleFetchSnapshotRequest(_ r: RaftMessage.FetchSnapshotRequest, from: Int32, now: Int64) {
        func answer(_ error: RaftError, size: Int64 = -1, bytes: ByteBuffer = ByteBuffer()) {
            send(.fetchSnapshotResponse(.init(
                error: error, leaderEpoch: epoch, leaderId: leaderId, snapshotId: r.snapshotId, size: size, position: r.position, bytes: bytes)), to: from)
        }
        guard case .leader(var s) = state, r.currentLeaderEpoch == epoch else {
            return answer(r.currentLeaderEpoch < epoch ? .fencedLeaderEpoch : r.currentLeaderEpoch > epoch ? .unknownLeaderEpoch : .notLeaderOrFollower)
        }
        noteFetched(r.replicaId, in: &s)
        state = .leader(s)
        guard let chunk = log.readSnapshot(r.snapshotId, position: r.position, maxBytes: configuration.maxSnapshotChunkBytes) else {
            return answer(.snapshotNotFound)
        }
        guard r.position >= 0, r.position <= chunk.size else { return answer(.positionOutOfRange, size: chunk.size) }
        answer(.none, size: chunk.size, bytes: chunk.bytes)
    }

    /// Where the fetcher's log stops agreeing with this one, if it does: the end of the fetcher's last
    /// epoch in this log, when that is before its fetch offset or the epochs differ.
    func divergence(of r: RaftMessage.FetchRequest) -> OffsetAndEpoch? {
        guard r.fetchOffset > 0 || r.lastFetchedEpoch > 0 else { return nil }
        let end = log.endOffset(forEpoch: r.lastFetchedEpoch)
        if end.epoch != r.lastFetchedEpoch || r.fetchOffset > end.offset { return end }
        return nil
    }

    func answerFetch(_ r: RaftMessage.FetchRequest, from: Int32, now: Int64) {
        let entries = r.fetchOffset < log.endOffset ? log.entries(from: r.fetchOffset, maxCount: configuration.maxFetchEntries) : []
        sendFetchAnswer(.init(error: .none, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark, entries: entries), for: r, to: from)
    }

    func sendFetchAnswer(_ response: RaftMessage.FetchResponse, for request: RaftMessage.FetchRequest, to node: Int32) {
        var response = response
        response.answers = request.position
        if case .leader(var s) = state, response.error == .none {
            s.sentHighWatermark[node] = response.highWatermark
            state = .leader(s)
        }
        send(.fetchResponse(response), to: node)
    }

    /// After the leader's own log grew: count it, and answer the held fetches (there is news).
    func leaderLogGrew(now: Int64) {
        guard case .leader(var s) = state else { return }
        s.voters[nodeId]?.endOffset = log.endOffset
        s.voters[nodeId]?.lastCaughtUpTime = now
        state = .leader(s)
        if !advanceHighWatermark(now: now) { releaseHeldFetches(now: now) }
    }

    /// The high watermark is the largest offset a majority of voters have reached, once that includes
    /// this epoch's LeaderChange entry (Kafka's `LeaderState.maybeUpdateHighWatermark`); it never moves
    /// back. Held fetches are answered when it moves. Returns whether it moved.
    @discardableResult
    func advanceHighWatermark(now: Int64) -> Bool {
        guard case .leader(let s) = state else { return false }
        let reached = s.voters.values.map(\.endOffset).sorted(by: >)
        let majorityOffset = reached[configuration.majority - 1]
        guard majorityOffset > s.epochStartOffset, majorityOffset > highWatermark else { return false }
        moveHighWatermark(to: majorityOffset)
        releaseHeldFetches(now: now)
        return true
    }

    func releaseHeldFetches(now: Int64) {
        guard case .leader(var s) = state, !s.heldFetches.isEmpty else { return }
        let held = s.heldFetches
        s.heldFetches = [:]
        state = .leader(s)
        for (replica, fetch) in held.sorted(by: { $0.key < $1.key }) { answerFetch(fetch.request, from: replica, now: now) }
    }

    func handleBeginQuorumEpochResponse(_ r: RaftMessage.QuorumResponse, from: Int32, now: Int64) {
        if adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) { return }
        guard case .leader(var s) = state, r.leaderEpoch == epoch, r.error == .none else { return }
        s.unacknowledged.remove(from)
        state = .leader(s)
    }

    /// Gives up leadership of this epoch: EndQuorumEpoch to the other voters, the most caught up first
    /// as preferred successors, so one of them stands for election without waiting (KIP-595).
    func resignLeadership(_ s: LeaderState, now: Int64) {
        let successors = otherVoters().sorted { (s.voters[$0]?.endOffset ?? -1, $1) > (s.voters[$1]?.endOffset ?? -1, $0) }
        for (replica, held) in s.heldFetches.sorted(by: { $0.key < $1.key }) {
            sendFetchAnswer(.init(error: .notLeaderOrFollower, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark), for: held.request, to: replica)
        }
        transition(to: .resigned(ResignedState(
            epoch: epoch, preferredSuccessors: successors, unacknowledged: Set(successors),
            electionDeadline: electionDeadline(now), nextResend: now + configuration.requestTimeoutMs)))
        let request = RaftMessage.EndQuorumEpochRequest(leaderEpoch: epoch, leaderId: nodeId, preferredSuccessors: successors)
        for voter in successors { send(.endQuorumEpochRequest(request), to: voter) }
    }
}
