import NIOCore
import Simulation
import Testing

@testable import Raft

/// The quorum's rules one at a time, driving single nodes by hand (KIP-595).
@Suite("Raft node rules")
struct RaftNodeTests {
    let voters: [Int32] = [1, 2, 3]

    func node(_ id: Int32, log: InMemoryRaftLog = InMemoryRaftLog(), stored: QuorumState? = nil, voters: [Int32]? = nil) -> RaftNode {
        RaftNode(nodeId: id, configuration: RaftConfiguration(voters: voters ?? self.voters), log: log, stored: stored, now: 0, random: SeededRandom(seed: 7))
    }

    func value(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    func entries(_ epochs: [Int32]) -> [RaftEntry] {
        epochs.enumerated().map { RaftEntry(offset: Int64($0.offset), epoch: $0.element, payload: .data(ByteBuffer(string: "e\($0.offset)"))) }
    }

    /// Elects node 1 leader of epoch 1 with node 2's vote.
    func electedLeader(log: InMemoryRaftLog = InMemoryRaftLog()) -> RaftNode {
        let leader = node(1, log: log)
        _ = leader.poll(now: 5000)
        guard case .candidate(let candidate) = leader.state else { Issue.record("not a candidate: \(leader.state)"); return leader }
        _ = leader.handle(.voteResponse(.init(error: .none, leaderEpoch: candidate.epoch, leaderId: -1, voteGranted: true)), from: 2, now: 5001)
        return leader
    }

    @Test func aQuorumOfOneElectsItselfAndCommitsOnAppend() {
        let log = InMemoryRaftLog()
        let solo = node(1, log: log, voters: [1])
        let output = solo.poll(now: 0)
        #expect(solo.isLeader)
        #expect(solo.epoch == 1)
        #expect(output.persist == QuorumState(leaderId: 1, leaderEpoch: 1, votedId: 1, voters: [1]))
        let (offset, _) = solo.append([value("a")], now: 1)
        #expect(offset == 1)  // offset 0 is the LeaderChange entry
        #expect(solo.highWatermark == 2)
    }

    @Test func aVoteIsGrantedOnceAndOnlyToAnUpToDateLog() {
        let log = InMemoryRaftLog(entries([1, 1, 2]))
        let voter = node(2, log: log)
        let stale = voter.handle(.voteRequest(.init(candidateEpoch: 3, candidateId: 1, lastOffset: OffsetAndEpoch(offset: 5, epoch: 1))), from: 1, now: 0)
        #expect(stale.messages.first?.message == .voteResponse(.init(error: .none, leaderEpoch: 3, leaderId: -1, voteGranted: false)))
        let good = voter.handle(.voteRequest(.init(candidateEpoch: 3, candidateId: 1, lastOffset: OffsetAndEpoch(offset: 3, epoch: 2))), from: 1, now: 1)
        #expect(good.persist?.votedId == 1)  // on disk before the answer leaves
        #expect(good.messages.first?.message == .voteResponse(.init(error: .none, leaderEpoch: 3, leaderId: -1, voteGranted: true)))
        let other = voter.handle(.voteRequest(.init(candidateEpoch: 3, candidateId: 3, lastOffset: OffsetAndEpoch(offset: 9, epoch: 2))), from: 3, now: 2)
        #expect(other.messages.first?.message == .voteResponse(.init(error: .none, leaderEpoch: 3, leaderId: -1, voteGranted: false)))
        let old = voter.handle(.voteRequest(.init(candidateEpoch: 2, candidateId: 3, lastOffset: OffsetAndEpoch(offset: 9, epoch: 2))), from: 3, now: 3)
        #expect(old.messages.first?.message == .voteResponse(.init(error: .fencedLeaderEpoch, leaderEpoch: 3, leaderId: -1, voteGranted: false)))
    }

    @Test func aWinnerWritesLeaderChangeAndAnnouncesItself() {
        let log = InMemoryRaftLog()
        let leader = node(1, log: log)
        let election = leader.poll(now: 5000)
        #expect(election.messages.map(\.to) == [2, 3])
        let won = leader.handle(.voteResponse(.init(error: .none, leaderEpoch: 1, leaderId: -1, voteGranted: true)), from: 2, now: 5001)
        #expect(leader.isLeader)
        #expect(log.held.first?.payload == .leaderChange(leaderId: 1, voters: [1, 2, 3]))
        #expect(won.messages.map(\.message) == [.beginQuorumEpochRequest(.init(leaderEpoch: 1, leaderId: 1)), .beginQuorumEpochRequest(.init(leaderEpoch: 1, leaderId: 1))])
    }

    @Test func aLeaderIsActiveOnceItsLeaderChangeHasCommitted() {
        let leader = electedLeader(log: InMemoryRaftLog(entries([1, 1])))
        #expect(leader.isLeader && !leader.isActiveLeader)  // the old entries are not known committed yet
        _ = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 3, lastFetchedEpoch: leader.epoch)), from: 2, now: 5003)
        #expect(leader.isActiveLeader)
    }

    @Test func aCaughtUpFetcherThatHasNotHeardTheHighWatermarkIsAnsweredAtOnce() {
        let leader = electedLeader()
        let caughtUp = RaftMessage.FetchRequest(replicaId: 3, currentLeaderEpoch: leader.epoch, fetchOffset: 1, lastFetchedEpoch: leader.epoch)
        // Node 2's fetch commits the LeaderChange entry; node 3 then fetches with nothing new to read.
        _ = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 1, lastFetchedEpoch: leader.epoch)), from: 2, now: 5002)
        #expect(leader.highWatermark == 1)
        // Node 3 has not heard that mark: it gets it now instead of waiting out fetchMaxWaitMs.
        let first = leader.handle(.fetchRequest(caughtUp), from: 3, now: 5003)
        guard case .fetchResponse(let answer)? = first.messages.first?.message else { Issue.record("not answered: \(first.messages)"); return }
        #expect(answer.highWatermark == 1 && answer.entries.isEmpty)
        // Having heard it, node 3's next fetch waits for news.
        let second = leader.handle(.fetchRequest(caughtUp), from: 3, now: 5004)
        #expect(second.messages.isEmpty)
        guard case .leader(let state) = leader.state else { return }
        #expect(state.heldFetches[3] != nil)
    }

    @Test func entriesOfOlderEpochsCommitOnlyWithTheNewLeaderChange() {
        // Node 1 wins epoch 2 holding two entries of epoch 1: they commit only once a majority also
        // has its LeaderChange entry (offset 2), never by counting copies of the old entries.
        let log = InMemoryRaftLog(entries([1, 1]))
        let leader = electedLeader(log: log)
        guard case .leader(let state) = leader.state else { return }
        #expect(state.epochStartOffset == 2)
        // A follower at offset 2 has the old entries but not the LeaderChange: nothing commits yet.
        _ = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 2, lastFetchedEpoch: 1)), from: 2, now: 5002)
        #expect(leader.highWatermark == 0)
        _ = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 3, lastFetchedEpoch: leader.epoch)), from: 2, now: 5003)
        #expect(leader.highWatermark == 3)
    }

    @Test func aFetchFromADivergedLogIsToldWhereToTruncate() {
        let leaderLog = InMemoryRaftLog(entries([1, 1, 3]))
        let leader = electedLeader(log: leaderLog)  // epoch 4; its log: 1, 1, 3, then LeaderChange
        let answer = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 4, lastFetchedEpoch: 2)), from: 2, now: 5002)
        guard case .fetchResponse(let response) = answer.messages.first?.message else { Issue.record("no fetch answer"); return }
        #expect(response.divergingEpoch == OffsetAndEpoch(offset: 2, epoch: 1))

        let followerLog = InMemoryRaftLog(entries([1, 1, 2, 2]))
        let follower = node(2, log: followerLog, stored: QuorumState(leaderId: 1, leaderEpoch: leader.epoch, votedId: -1, voters: voters))
        let fetch = follower.poll(now: 1)  // its fetch from (4, epoch 2), which the answer is for
        #expect(fetch.messages.first?.message == .fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 4, lastFetchedEpoch: 2)))
        _ = follower.handle(.fetchResponse(response), from: 1, now: 2)
        #expect(followerLog.held.map(\.epoch) == [1, 1])
    }

    @Test func anAnswerToAnEarlierFetchIsIgnored() {
        // The follower fetched at 4 (epoch 2) and was told to truncate to 2; having fetched on from there,
        // a late duplicate of that answer must not truncate again what it has since appended.
        let leaderLog = InMemoryRaftLog(entries([1, 1, 3]))
        let leader = electedLeader(log: leaderLog)
        let stale = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch, fetchOffset: 4, lastFetchedEpoch: 2)), from: 2, now: 5002)
        guard case .fetchResponse(let diverging) = stale.messages.first?.message else { Issue.record("no fetch answer"); return }
        let followerLog = InMemoryRaftLog(entries([1, 1, 2, 2]))
        let follower = node(2, log: followerLog, stored: QuorumState(leaderId: 1, leaderEpoch: leader.epoch, votedId: -1, voters: voters))
        _ = follower.poll(now: 1)
        let refetch = follower.handle(.fetchResponse(diverging), from: 1, now: 2)
        guard case .fetchRequest(let next) = refetch.messages.first?.message else { Issue.record("no second fetch"); return }
        let answer = leader.handle(.fetchRequest(next), from: 2, now: 5003)
        guard case .fetchResponse(let entries) = answer.messages.first?.message else { Issue.record("no second answer"); return }
        _ = follower.handle(.fetchResponse(entries), from: 1, now: 3)
        let caughtUp = followerLog.endOffset
        #expect(caughtUp == leaderLog.endOffset)
        _ = follower.handle(.fetchResponse(diverging), from: 1, now: 4)
        #expect(followerLog.endOffset == caughtUp)
    }

    @Test func fetchesWithAnotherEpochAreRefused() {
        let leader = electedLeader()
        let old = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch - 1, fetchOffset: 0, lastFetchedEpoch: 0)), from: 2, now: 5002)
        var refused = RaftMessage.FetchResponse(error: .fencedLeaderEpoch, leaderEpoch: leader.epoch, leaderId: 1)
        refused.answers = OffsetAndEpoch(offset: 0, epoch: 0)
        #expect(old.messages.first?.message == .fetchResponse(refused))
        let future = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: leader.epoch + 1, fetchOffset: 0, lastFetchedEpoch: 0)), from: 2, now: 5003)
        refused.error = .unknownLeaderEpoch
        #expect(future.messages.first?.message == .fetchResponse(refused))
    }

    @Test func aRestartedLeaderResignsItsEpoch() {
        let restarted = node(1, stored: QuorumState(leaderId: 1, leaderEpoch: 5, votedId: 1, voters: voters))
        guard case .resigned = restarted.state else { Issue.record("\(restarted.state)"); return }
        #expect(restarted.epoch == 5)
        let follower = node(2, stored: QuorumState(leaderId: 1, leaderEpoch: 5, votedId: -1, voters: voters))
        #expect(follower.leaderId == 1)
        let voted = node(3, stored: QuorumState(leaderId: -1, leaderEpoch: 5, votedId: 1, voters: voters))
        guard case .voted(let vote) = voted.state else { Issue.record("\(voted.state)"); return }
        #expect(vote.votedId == 1)
    }

    @Test func aLeaderNobodyFetchesFromResigns() {
        let leader = electedLeader()
        let output = leader.poll(now: 5001 + 3000 + 1)
        guard case .resigned(let state) = leader.state else { Issue.record("\(leader.state)"); return }
        #expect(Set(state.preferredSuccessors) == [2, 3])
        let ends = output.messages.filter { if case .endQuorumEpochRequest = $0.message { true } else { false } }
        #expect(Set(ends.map(\.to)) == [2, 3])
    }

    @Test func aVoterWhoseLeaderIsGoneStandsWithinHalfAnElectionTimeout() {
        let follower = node(2, stored: QuorumState(leaderId: 1, leaderEpoch: 4, votedId: -1, voters: voters))
        let before = follower.nextDeadline
        _ = follower.leaderUnreachable(3, now: 10)  // not its leader
        #expect(follower.nextDeadline == before)
        _ = follower.leaderUnreachable(1, now: 10)
        #expect(follower.nextDeadline <= 10 + 500)
        let output = follower.poll(now: follower.nextDeadline)
        guard case .candidate(let candidate) = follower.state else { Issue.record("\(follower.state)"); return }
        #expect(candidate.epoch == 5)
        #expect(Set(output.messages.map(\.to)) == [1, 3])
        let observer = node(7, stored: QuorumState(leaderId: 1, leaderEpoch: 4, votedId: -1, voters: voters))
        _ = observer.leaderUnreachable(1, now: 10)
        guard case .unattached = observer.state else { Issue.record("\(observer.state)"); return }
    }

    @Test func theFirstPreferredSuccessorStandsForElectionAtOnce() {
        let follower = node(2, stored: QuorumState(leaderId: 1, leaderEpoch: 4, votedId: -1, voters: voters))
        _ = follower.handle(.endQuorumEpochRequest(.init(leaderEpoch: 4, leaderId: 1, preferredSuccessors: [2, 3])), from: 1, now: 100)
        #expect(follower.nextDeadline == 100)
        _ = follower.poll(now: 100)
        guard case .candidate(let candidate) = follower.state else { Issue.record("\(follower.state)"); return }
        #expect(candidate.epoch == 5)
    }

    @Test func aStaleCandidateDoesNotResetTheOthersElectionTimers() {
        let voter = node(2)
        let before = voter.nextDeadline
        _ = voter.handle(.voteRequest(.init(candidateEpoch: 9, candidateId: 3, lastOffset: OffsetAndEpoch(offset: 0, epoch: 0))), from: 3, now: 10)
        // The candidate's (empty) log is as up to date as this one, so it gets the vote, which sets a new timer.
        #expect(voter.epoch == 9)
        let log = InMemoryRaftLog(entries([1]))
        let ahead = node(3, log: log)
        let deadline = ahead.nextDeadline
        _ = ahead.handle(.voteRequest(.init(candidateEpoch: 9, candidateId: 1, lastOffset: OffsetAndEpoch(offset: 0, epoch: 0))), from: 1, now: 10)
        #expect(ahead.epoch == 9)
        #expect(ahead.nextDeadline == deadline)
        #expect(before > 0)
    }
}
