import NIOCore

extension RaftNode {
    func becomeFollower(epoch: Int32, leaderId: Int32, now: Int64) {
        transition(to: .follower(FollowerState(epoch: epoch, leaderId: leaderId, fetchDeadline: now + configuration.fetchTimeoutMs)))
        sendFetch(now: now)
    }

    func fetchRequest() -> RaftMessage.FetchRequest {
        RaftMessage.FetchRequest(replicaId: nodeId, currentLeaderEpoch: epoch, fetchOffset: log.endOffset, lastFetchedEpoch: log.lastEpoch)
    }

    /// The leader may hold a fetch for `fetchMaxWaitMs`; an answer later than that plus the request
    /// timeout was lost. (Resending sooner would replace the held fetch before it is ever answered.)
    var fetchResendDelay: Int64 { configuration.fetchMaxWaitMs + configuration.requestTimeoutMs }

    /// Sends the next fetch: for entries, or for the next chunk of the snapshot being downloaded.
    func sendFetch(now: Int64) {
        guard case .follower(var s) = state else { return }
        s.fetchSentAt = now
        s.fetchPosition = log.endOffsetAndEpoch
        state = .follower(s)
        if let download = s.snapshotDownload {
            let request = RaftMessage.FetchSnapshotRequest(
                replicaId: nodeId, currentLeaderEpoch: epoch, snapshotId: download.id, position: Int64(download.received.readableBytes))
            return send(.fetchSnapshotRequest(request), to: s.leaderId)
        }
        send(.fetchRequest(fetchRequest()), to: s.leaderId)
    }

    /// A voter without a successful fetch for `fetchTimeoutMs` stands for election; an observer looks
    /// for the leader again. A fetch without an answer is sent again after `fetchResendDelay`.
    func pollFollower(_ s: FollowerState, now: Int64) {
        if now >= s.fetchDeadline {
            if isVoter { return startElection(now: now) }
            return transition(to: .unattached(UnattachedState(epoch: epoch, electionDeadline: .max, nextLeaderSearch: now)))
        }
        if s.fetchSentAt.map({ now >= $0 + fetchResendDelay }) ?? true { sendFetch(now: now) }
    }

    /// The leader's answer (Kafka's `handleFetchResponse`): a newer epoch is adopted; a divergence
    /// truncates the log to where it agrees with the leader's; entries are appended; the high watermark
    /// follows the leader's, up to this log's end. Then the next fetch goes out.
    func handleFetchResponse(_ r: RaftMessage.FetchResponse, from: Int32, now: Int64) {
        // An answer that reveals a newer epoch or the leader only moves this node (Kafka's
        // `maybeHandleCommonResponse`); its entries were meant for a fetch sent in another state, and the
        // new follower has already sent its own fetch.
        let wasFollowing = leaderId
        if adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) || leaderId != wasFollowing { return }
        guard case .follower(var s) = state, from == s.leaderId, r.leaderEpoch == epoch,
            s.fetchPosition == log.endOffsetAndEpoch, s.snapshotDownload == nil, r.answers.map({ $0 == s.fetchPosition }) ?? true
        else { return }
        guard r.error == .none else {
            // The leader resigned or is not ready: keep the deadline, ask again after a request timeout.
            return
        }
        s.fetchDeadline = now + configuration.fetchTimeoutMs
        s.fetchSentAt = nil
        s.fetchPosition = nil
        state = .follower(s)
        if let diverging = r.divergingEpoch {
            let local = log.endOffset(forEpoch: diverging.epoch)
            log.truncate(to: max(log.startOffset, min(diverging.offset, local.offset)))
        } else if let snapshotId = r.snapshotId {
            // What this log lacks is only in the leader's snapshot: download it (KIP-630).
            s.snapshotDownload = FollowerState.SnapshotDownload(id: snapshotId, received: ByteBuffer())
            state = .follower(s)
        } else {
            let fresh = r.entries.drop { $0.offset < log.endOffset }
            if let first = fresh.first, first.offset == log.endOffset { log.append(Array(fresh)) }
            if r.highWatermark >= 0 { moveHighWatermark(to: min(r.highWatermark, log.endOffset)) }
        }
        sendFetch(now: now)
    }

    /// A chunk of the leader's snapshot (Kafka's `handleFetchSnapshotResponse`): appended to what was
    /// received; once the whole snapshot is here it replaces this node's log, and the high watermark
    /// moves to its end (a snapshot holds only committed entries). A leader that no longer has the
    /// snapshot sends this node back to fetching, which names the newer one.
    func handleFetchSnapshotResponse(_ r: RaftMessage.FetchSnapshotResponse, from: Int32, now: Int64) {
        let wasFollowing = leaderId
        if adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) || leaderId != wasFollowing { return }
        guard case .follower(var s) = state, from == s.leaderId, r.leaderEpoch == epoch, s.fetchSentAt != nil,
            var download = s.snapshotDownload, download.id == r.snapshotId
        else { return }
        switch r.error {
        case .none:
            guard r.position == Int64(download.received.readableBytes), r.size >= r.position + Int64(r.bytes.readableBytes) else { return }
        case .snapshotNotFound, .positionOutOfRange:
            s.snapshotDownload = nil
            state = .follower(s)
            return sendFetch(now: now)
        default:
            return  // the leader resigned or is not ready: ask again after a request timeout
        }
        s.fetchDeadline = now + configuration.fetchTimeoutMs
        s.fetchSentAt = nil
        var chunk = r.bytes
        download.received.writeBuffer(&chunk)
        s.snapshotDownload = download
        if Int64(download.received.readableBytes) == r.size {
            s.snapshotDownload = nil
            // A snapshot the leader sends covers only committed entries, and this node's high watermark
            // is never past it (its log ended before it, or diverged below it).
            if download.id.offset >= highWatermark {
                log.installSnapshot(download.id, contents: download.received)
                moveHighWatermark(to: download.id.offset)
            }
        }
        state = .follower(s)
        sendFetch(now: now)
    }

    /// A new leader announces itself (Kafka's `handleBeginQuorumEpochRequest`).
    func handleBeginQuorumEpoch(_ r: RaftMessage.BeginQuorumEpochRequest, from: Int32, now: Int64) {
        if r.leaderEpoch >= epoch { adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) }
        let error: RaftError = r.leaderEpoch < epoch ? .fencedLeaderEpoch : .none
        send(.beginQuorumEpochResponse(.init(error: error, leaderEpoch: epoch, leaderId: leaderId)), to: from)
    }

    /// The leader resigned (Kafka's `handleEndQuorumEpochRequest`): a follower of it stands for election
    /// soon, at once if it is the first preferred successor, otherwise after a backoff that grows with
    /// its place in the list, so the best placed voter usually wins.
    func handleEndQuorumEpoch(_ r: RaftMessage.EndQuorumEpochRequest, from: Int32, now: Int64) {
        if r.leaderEpoch >= epoch { adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) }
        if case .follower(var s) = state, s.epoch == r.leaderEpoch, s.leaderId == r.leaderId {
            let position = r.preferredSuccessors.firstIndex(of: nodeId) ?? r.preferredSuccessors.count
            let backoff = position == 0 ? 0 : electionBackoff(retries: position)
            s.fetchDeadline = min(s.fetchDeadline, now + backoff)
            state = .follower(s)
        }
        let error: RaftError = r.leaderEpoch < epoch ? .fencedLeaderEpoch : .none
        send(.endQuorumEpochResponse(.init(error: error, leaderEpoch: epoch, leaderId: leaderId)), to: from)
    }

    func handleEndQuorumEpochResponse(_ r: RaftMessage.QuorumResponse, from: Int32, now: Int64) {
        if adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) { return }
        guard case .resigned(var s) = state else { return }
        s.unacknowledged.remove(from)
        state = .resigned(s)
    }

    func pollResigned(_ s: ResignedState, now: Int64) {
        if now >= s.electionDeadline { return startElection(now: now) }
        guard now >= s.nextResend, !s.unacknowledged.isEmpty else { return }
        var next = s
        next.nextResend = now + configuration.requestTimeoutMs
        state = .resigned(next)
        let request = RaftMessage.EndQuorumEpochRequest(leaderEpoch: epoch, leaderId: nodeId, preferredSuccessors: s.preferredSuccessors)
        for voter in s.unacknowledged.sorted() { send(.endQuorumEpochRequest(request), to: voter) }
    }
}
