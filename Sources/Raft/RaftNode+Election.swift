extension RaftNode {
    /// Moves to a newer epoch learned from a message (Kafka's `maybeTransition`): following its leader
    /// when the message names one, else unattached. Returns false when the epoch is not newer.
    @discardableResult
    func adoptNewerEpoch(_ epoch: Int32, leaderId: Int32, now: Int64) -> Bool {
        guard epoch > self.epoch else {
            if epoch == self.epoch, leaderId >= 0, leaderId != nodeId, self.leaderId < 0 { becomeFollower(epoch: epoch, leaderId: leaderId, now: now) }
            return false
        }
        if leaderId >= 0, leaderId != nodeId {
            becomeFollower(epoch: epoch, leaderId: leaderId, now: now)
        } else {
            // Kafka's `transitionToUnattached`: a node already waiting for an election keeps its timer, so a
            // candidate that keeps bumping the epoch (one with a stale log) cannot hold the others off.
            let deadline: Int64
            switch state {
            case .unattached(let s): deadline = s.electionDeadline
            case .voted(let s): deadline = s.electionDeadline
            case .candidate(let s): deadline = s.electionDeadline
            case .leader, .follower, .resigned: deadline = electionDeadline(now)
            }
            transition(to: .unattached(UnattachedState(epoch: epoch, electionDeadline: deadline, nextLeaderSearch: now)))
        }
        return true
    }

    func pollUnattached(_ s: UnattachedState, now: Int64) {
        if isVoter {
            if now >= s.electionDeadline { startElection(now: now) }
            return
        }
        // An observer asks a random voter, whose answer names the leader.
        guard now >= s.nextLeaderSearch, !configuration.voters.isEmpty else { return }
        let voter = configuration.voters.randomElement(using: &random)!
        send(.fetchRequest(fetchRequest()), to: voter)
        var next = s
        next.nextLeaderSearch = now + configuration.requestTimeoutMs
        state = .unattached(next)
    }

    /// A new epoch with this node as candidate, voting for itself (persisted before the requests go out).
    func startElection(now: Int64, retries: Int = 0) {
        guard isVoter else { return }
        let candidate = CandidateState(
            epoch: epoch + 1, granted: [nodeId], electionDeadline: electionDeadline(now), backoffUntil: nil, retries: retries)
        transition(to: .candidate(candidate))
        if candidate.granted.count >= configuration.majority { return becomeLeader(now: now) }
        let request = RaftMessage.VoteRequest(candidateEpoch: candidate.epoch, candidateId: nodeId, lastOffset: log.endOffsetAndEpoch)
        for voter in otherVoters() { send(.voteRequest(request), to: voter) }
    }

    func pollCandidate(_ s: CandidateState, now: Int64) {
        if let backoffUntil = s.backoffUntil {
            if now >= backoffUntil { startElection(now: now, retries: s.retries + 1) }
        } else if now >= s.electionDeadline {
            var next = s
            next.backoffUntil = now + electionBackoff(retries: s.retries)
            state = .candidate(next)
        }
    }

    /// A voter's answer to a candidate (Kafka's `handleVoteRequest`): granted when the epoch is current,
    /// this node has not voted for someone else nor follows a leader in it, and the candidate's log is at
    /// least as up to date as its own.
    func handleVoteRequest(_ r: RaftMessage.VoteRequest, from: Int32, now: Int64) {
        func answer(_ error: RaftError, granted: Bool) {
            send(.voteResponse(.init(error: error, leaderEpoch: epoch, leaderId: leaderId, voteGranted: granted)), to: from)
        }
        guard configuration.isVoter(r.candidateId), isVoter else { return answer(.inconsistentVoterSet, granted: false) }
        guard r.candidateEpoch >= epoch else { return answer(.fencedLeaderEpoch, granted: false) }
        if r.candidateEpoch > epoch { adoptNewerEpoch(r.candidateEpoch, leaderId: -1, now: now) }
        switch state {
        case .unattached:
            let granted = r.lastOffset >= log.endOffsetAndEpoch
            if granted {
                transition(to: .voted(VotedState(epoch: epoch, votedId: r.candidateId, electionDeadline: electionDeadline(now))))
            }
            answer(.none, granted: granted)
        case .voted(let s): answer(.none, granted: s.votedId == r.candidateId)
        case .candidate, .leader, .follower, .resigned: answer(.none, granted: false)
        }
    }

    func handleVoteResponse(_ r: RaftMessage.VoteResponse, from: Int32, now: Int64) {
        if adoptNewerEpoch(r.leaderEpoch, leaderId: r.leaderId, now: now) { return }
        guard case .candidate(var s) = state, r.leaderEpoch == s.epoch, r.error == .none, s.backoffUntil == nil else { return }
        if r.voteGranted { s.granted.insert(from) } else { s.rejected.insert(from) }
        if s.granted.count >= configuration.majority { return becomeLeader(now: now) }
        if s.hasLost(voters: configuration.voters.count, majority: configuration.majority) {
            s.backoffUntil = now + electionBackoff(retries: s.retries)
        }
        state = .candidate(s)
    }

    /// Won the election: write this epoch's LeaderChange entry and tell the other voters.
    func becomeLeader(now: Int64) {
        let start = log.endOffset
        var voters: [Int32: LeaderState.ReplicaProgress] = [:]
        for voter in configuration.voters { voters[voter] = LeaderState.ReplicaProgress() }
        let others = Set(otherVoters())
        transition(to: .leader(LeaderState(
            epoch: epoch, epochStartOffset: start, voters: voters, unacknowledged: others,
            nextBeginQuorumResend: now + configuration.requestTimeoutMs,
            checkQuorumDeadline: now + configuration.fetchTimeoutMs * 3 / 2)))
        log.append([RaftEntry(offset: start, epoch: epoch, payload: .leaderChange(leaderId: nodeId, voters: configuration.voters))])
        let request = RaftMessage.BeginQuorumEpochRequest(leaderEpoch: epoch, leaderId: nodeId)
        for voter in others.sorted() { send(.beginQuorumEpochRequest(request), to: voter) }
        leaderLogGrew(now: now)
    }
}
