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
            return send(.fetchResponse(.init(error: error, leaderEpoch: epoch, leaderId: leaderId)), to: from)
        }
        if let diverging = divergence(of: r) {
            return send(.fetchResponse(.init(error: .none, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark, divergingEpoch: diverging)), to: from)
        }
        var progress = (configuration.isVoter(r.replicaId) ? s.voters[r.replicaId] : s.observers[r.replicaId]) ?? .init()
        progress.endOffset = r.fetchOffset
        progress.lastFetchTime = now
        if r.fetchOffset >= log.endOffset { progress.lastCaughtUpTime = now }
        if configuration.isVoter(r.replicaId) {
            s.voters[r.replicaId] = progress
            s.fetchedSinceCheck.insert(r.replicaId)
            s.unacknowledged.remove(r.replicaId)
        } else {
            s.observers[r.replicaId] = progress
        }
        s.heldFetches[from] = nil
        if r.fetchOffset >= log.endOffset {
            s.heldFetches[from] = LeaderState.HeldFetch(request: r, expires: now + configuration.fetchMaxWaitMs)
            state = .leader(s)
            advanceHighWatermark(now: now)
            return
        }
        state = .leader(s)
        // The fetcher's progress may commit entries; the answer then already carries the new mark.
        advanceHighWatermark(now: now)
        answerFetch(r, from: from, now: now)
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
        send(.fetchResponse(.init(error: .none, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark, entries: entries)), to: from)
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
        for replica in s.heldFetches.keys.sorted() {
            send(.fetchResponse(.init(error: .notLeaderOrFollower, leaderEpoch: epoch, leaderId: nodeId, highWatermark: highWatermark)), to: replica)
        }
        transition(to: .resigned(ResignedState(
            epoch: epoch, preferredSuccessors: successors, unacknowledged: Set(successors),
            electionDeadline: electionDeadline(now), nextResend: now + configuration.requestTimeoutMs)))
        let request = RaftMessage.EndQuorumEpochRequest(leaderEpoch: epoch, leaderId: nodeId, preferredSuccessors: successors)
        for voter in successors { send(.endQuorumEpochRequest(request), to: voter) }
    }
}
