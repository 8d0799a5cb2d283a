import NIOCore

/// One member of a KRaft quorum (Kafka's `KafkaRaftClient`, KIP-595) as a state machine without I/O:
/// the shell hands it messages and the time, persists the quorum state it returns, sends the messages
/// it returns, and calls `poll` by `nextDeadline`. Entries below `highWatermark` are committed.
///
/// Not thread-safe: one task or lock owns a node.
public final class RaftNode {
    public let nodeId: Int32
    public let configuration: RaftConfiguration
    public internal(set) var state: EpochState
    /// Entries below this offset are committed; on one node it never moves back.
    public private(set) var highWatermark: Int64 = 0
    let log: any RaftLog
    /// Draws election timeouts: the system's in the broker, a seeded one in a simulation (so it replays).
    var random: any RandomNumberGenerator
    var output = RaftOutput()
    private var persisted: QuorumState?

    /// Starts from the stored quorum state (nil on a new node), as Kafka's `QuorumState.initialize`: a
    /// node that led its stored epoch resigns it, one that voted keeps its vote, one that knew a leader
    /// follows it. A quorum of one elects itself at the first `poll`.
    public init(nodeId: Int32, configuration: RaftConfiguration, log: any RaftLog, stored: QuorumState?, now: Int64, random: any RandomNumberGenerator) {
        self.nodeId = nodeId
        self.configuration = configuration
        self.log = log
        self.random = random
        persisted = stored
        // A snapshot holds only committed entries (KIP-630).
        highWatermark = log.startOffset
        let epoch = max(stored?.leaderEpoch ?? 0, log.lastEpoch)
        state = .unattached(UnattachedState(epoch: epoch, electionDeadline: now, nextLeaderSearch: now))
        if let stored, stored.leaderEpoch == epoch {
            if stored.leaderId == nodeId {
                state = .resigned(ResignedState(
                    epoch: epoch, preferredSuccessors: [], unacknowledged: [], electionDeadline: electionDeadline(now), nextResend: now))
            } else if stored.leaderId >= 0 {
                state = .follower(FollowerState(epoch: epoch, leaderId: stored.leaderId, fetchDeadline: now + configuration.fetchTimeoutMs))
            } else if stored.votedId >= 0 {
                state = .voted(VotedState(epoch: epoch, votedId: stored.votedId, electionDeadline: electionDeadline(now)))
            }
        }
        if case .unattached = state { state = .unattached(UnattachedState(epoch: epoch, electionDeadline: electionDeadline(now), nextLeaderSearch: now)) }
        // A quorum of one elects itself at the first poll (Kafka does it at start).
        if configuration.voters == [nodeId] { state = .unattached(UnattachedState(epoch: epoch, electionDeadline: now, nextLeaderSearch: now)) }
    }

    public var epoch: Int32 { state.epoch }
    public var leaderId: Int32 { state.leaderId(localId: nodeId) }
    public var isLeader: Bool { if case .leader = state { true } else { false } }
    /// A leader whose own LeaderChange entry has committed: every entry of earlier epochs is then
    /// committed too, so a state machine replayed up to the high watermark has seen all of them. Until
    /// then a new leader's committed view may lag what its predecessor committed, and it must not act
    /// on it (Kafka's controller becomes active only once it has caught up this way).
    public var isActiveLeader: Bool { if case .leader(let s) = state { highWatermark > s.epochStartOffset } else { false } }
    public var isVoter: Bool { configuration.isVoter(nodeId) }

    /// What the quorum-state file holds for the current state.
    public var quorumState: QuorumState {
        QuorumState(leaderId: leaderId, leaderEpoch: epoch, votedId: state.votedId(localId: nodeId), voters: configuration.voters)
    }

    // MARK: Entry points

    /// Runs the timers due by `now`: elections, fetches, resends, held fetches, the quorum check.
    public func poll(now: Int64) -> RaftOutput {
        switch state {
        case .unattached(let s): pollUnattached(s, now: now)
        case .voted(let s): if now >= s.electionDeadline { startElection(now: now) }
        case .candidate(let s): pollCandidate(s, now: now)
        case .leader(let s): pollLeader(s, now: now)
        case .follower(let s): pollFollower(s, now: now)
        case .resigned(let s): pollResigned(s, now: now)
        }
        return takeOutput()
    }

    /// Applies a message from `from`.
    public func handle(_ message: RaftMessage, from: Int32, now: Int64) -> RaftOutput {
        switch message {
        case .voteRequest(let r): handleVoteRequest(r, from: from, now: now)
        case .voteResponse(let r): handleVoteResponse(r, from: from, now: now)
        case .beginQuorumEpochRequest(let r): handleBeginQuorumEpoch(r, from: from, now: now)
        case .beginQuorumEpochResponse(let r): handleBeginQuorumEpochResponse(r, from: from, now: now)
        case .endQuorumEpochRequest(let r): handleEndQuorumEpoch(r, from: from, now: now)
        case .endQuorumEpochResponse(let r): handleEndQuorumEpochResponse(r, from: from, now: now)
        case .fetchRequest(let r): handleFetchRequest(r, from: from, now: now)
        case .fetchResponse(let r): handleFetchResponse(r, from: from, now: now)
        case .fetchSnapshotRequest(let r): handleFetchSnapshotRequest(r, from: from, now: now)
        case .fetchSnapshotResponse(let r): handleFetchSnapshotResponse(r, from: from, now: now)
        }
        return takeOutput()
    }

    /// Appends records as leader; returns the first offset, or nil when this node is not the leader.
    /// They are committed once `highWatermark` passes them.
    public func append(_ values: [ByteBuffer], now: Int64) -> (offset: Int64?, output: RaftOutput) {
        guard case .leader = state, !values.isEmpty else { return (nil, takeOutput()) }
        let first = log.endOffset
        log.append(values.enumerated().map { RaftEntry(offset: first + Int64($0.offset), epoch: epoch, payload: .data($0.element)) })
        leaderLogGrew(now: now)
        return (first, takeOutput())
    }

    /// Keeps `contents`, the state machine's state after every entry below `offset`, as a snapshot, and
    /// lets the log drop those entries (KIP-630). Only committed entries may be snapshotted, so `offset`
    /// must not pass the high watermark. Returns the snapshot's id, or nil when nothing was taken (the
    /// offset is not past the log's start, or beyond the high watermark).
    @discardableResult
    public func takeSnapshot(at offset: Int64, contents: ByteBuffer) -> OffsetAndEpoch? {
        guard offset > log.startOffset, offset <= highWatermark, let epoch = log.epoch(before: offset) else { return nil }
        let id = OffsetAndEpoch(offset: offset, epoch: epoch)
        log.storeSnapshot(id, contents: contents)
        return id
    }

    /// The shell found that the leader's process is gone (its port refuses connections), which a
    /// fetch timeout would only reveal after `fetchTimeoutMs`: a voter following it stands for election
    /// within a random half election timeout (the other voters noticed at the same moment, and
    /// standing together would split the vote), an observer looks for the new leader. Elections are
    /// safe whenever they start, so this only makes failover faster (a Gregor addition; Kafka waits for
    /// the timeout).
    public func leaderUnreachable(_ leader: Int32, now: Int64) -> RaftOutput {
        if case .follower(var s) = state, s.leaderId == leader {
            if isVoter {
                s.fetchDeadline = min(s.fetchDeadline, now + Int64.random(in: 0...configuration.electionTimeoutMs / 2, using: &random))
                state = .follower(s)
            } else {
                transition(to: .unattached(UnattachedState(epoch: epoch, electionDeadline: .max, nextLeaderSearch: now)))
            }
        }
        return takeOutput()
    }

    /// Steps down as leader (before a shutdown), naming the voters best placed to follow.
    public func resign(now: Int64) -> RaftOutput {
        if case .leader(let s) = state { resignLeadership(s, now: now) }
        return takeOutput()
    }

    /// The earliest time `poll` has something to do.
    public var nextDeadline: Int64 {
        switch state {
        case .unattached(let s): isVoter ? s.electionDeadline : s.nextLeaderSearch
        case .voted(let s): s.electionDeadline
        case .candidate(let s): s.backoffUntil ?? s.electionDeadline
        case .leader(let s): ([s.nextBeginQuorumResend, s.checkQuorumDeadline] + s.heldFetches.values.map(\.expires)).min()!
        case .follower(let s): min(s.fetchDeadline, s.fetchSentAt.map { $0 + fetchResendDelay } ?? s.fetchDeadline)
        case .resigned(let s): min(s.electionDeadline, s.unacknowledged.isEmpty ? .max : s.nextResend)
        }
    }

    // MARK: Shared helpers

    func send(_ message: RaftMessage, to node: Int32) { output.messages.append((node, message)) }

    func otherVoters() -> [Int32] { configuration.voters.filter { $0 != nodeId } }

    func electionDeadline(_ now: Int64) -> Int64 {
        now + Int64.random(in: configuration.electionTimeoutMs...(2 * configuration.electionTimeoutMs), using: &random)
    }

    /// Kafka's binary exponential election backoff: random up to min(max, 50 ms × 2^retries).
    func electionBackoff(retries: Int) -> Int64 {
        let cap = min(configuration.electionBackoffMaxMs, 50 << min(retries, 10))
        return Int64.random(in: 0...max(0, cap), using: &random)
    }

    func moveHighWatermark(to offset: Int64) {
        if offset > highWatermark { highWatermark = offset }
    }

    /// Sets the role; the quorum state goes out for persistence when it changed.
    func transition(to newState: EpochState) {
        state = newState
        let current = quorumState
        if current != persisted {
            persisted = current
            output.persist = current
        }
    }

    private func takeOutput() -> RaftOutput {
        defer { output = RaftOutput() }
        return output
    }
}
