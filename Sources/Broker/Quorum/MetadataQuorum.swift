import Controller
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Raft
import SystemPackage

/// The broker's shell around the Raft module's `RaftNode`: it persists the quorum state before anything
/// is said, carries the node's messages over Kafka's wire to the other voters (`QuorumPeers`), answers
/// their requests (holding a fetch while the leader has nothing new), runs the node's timers, and lets
/// callers wait until what they appended is committed.
actor MetadataQuorum {
    nonisolated let nodeId: Int32
    nonisolated let voters: QuorumVoters
    nonisolated let configuration: RaftConfiguration
    private let node: RaftNode
    private let log: MetadataRaftLog
    private let clusterId: String
    private let statePath: FilePath
    private let fileSystem: any LogFileSystem
    private let peers: QuorumPeers
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    /// `broker.liveness.probe.enable`: a leader whose port refuses connections is gone; stand at once.
    private let livenessProbe: Bool
    private var heldFetches: [Int32: CheckedContinuation<RaftMessage.FetchResponse, Never>] = [:]
    private var commitWaiters: [(offset: Int64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var commitListeners: [CheckedContinuation<Void, Never>] = []
    private var stopped = false
    private var lastReported: (epoch: Int32, leader: Int32, role: String)?

    init(
        nodeId: Int32, voters: QuorumVoters, configuration: RaftConfiguration, log: MetadataRaftLog, clusterId: String,
        statePath: FilePath, fileSystem: any LogFileSystem, peers: QuorumPeers, clock: @escaping @Sendable () -> Int64, logger: Logger,
        livenessProbe: Bool = true
    ) throws {
        self.livenessProbe = livenessProbe
        self.nodeId = nodeId
        self.voters = voters
        self.configuration = configuration
        self.log = log
        self.clusterId = clusterId
        self.statePath = statePath
        self.fileSystem = fileSystem
        self.peers = peers
        self.clock = clock
        self.logger = logger
        let stored = try fileSystem.readFileIfExists(at: statePath).flatMap { QuorumState(json: String(buffer: $0)) }
        node = RaftNode(
            nodeId: nodeId, configuration: configuration, log: log, stored: stored, now: clock(), random: SystemRandomNumberGenerator())
    }

    // MARK: What the broker asks

    var epoch: Int32 { node.epoch }
    var leaderId: Int32 { node.leaderId }
    /// Whether this node is the active controller: the quorum's leader, with its epoch's first entry
    /// committed, so that replaying up to the high watermark gives the whole committed metadata.
    var isActiveController: Bool { node.isActiveLeader }

    var logEndOffset: Int64 { log.endOffset }
    var isStopped: Bool { stopped }

    /// What the controller replays next: the snapshot first when `offset` is below the log's start
    /// (at startup, or after a snapshot from the leader replaced the log), then the committed data
    /// entries up to the high watermark, and that high watermark.
    func committed(from offset: Int64) -> CommittedMetadata {
        let snapshot = offset < log.startOffset ? log.snapshot : nil
        let from = snapshot?.id.offset ?? offset
        return CommittedMetadata(snapshot: snapshot, entries: log.dataEntries(from: from, upTo: node.highWatermark), end: node.highWatermark)
    }

    /// Keeps `contents`, the image after every entry below `offset`, as a snapshot, and drops the log
    /// segments it covers (KIP-630). Returns the snapshot's id, or nil when none was taken.
    func takeSnapshot(at offset: Int64, contents: ByteBuffer) throws -> OffsetAndEpoch? {
        try checkRunning()
        let id = node.takeSnapshot(at: offset, contents: contents)
        if let failure = log.failure { throw QuorumLogError(underlying: failure) }
        if let id { logger.info("metadata snapshot taken", metadata: ["offset": "\(id.offset)", "epoch": "\(id.epoch)", "bytes": "\(contents.readableBytes)"]) }
        return id
    }

    var logStartOffset: Int64 { log.startOffset }

    /// Flushes and closes the metadata log, after `stop`.
    func close() async throws {
        await stop()
        try log.close()
    }

    /// Returns once the high watermark is past `offset`, or at once when stopped.
    func waitForCommit(beyond offset: Int64) async {
        while !stopped && node.highWatermark <= offset {
            await withCheckedContinuation { commitListeners.append($0) }
        }
    }

    /// Appends values as leader and returns the first offset once all of them are committed. Throws
    /// `NotControllerError` when this node is not the leader, or stops being it before the commit.
    func append(_ values: [ByteBuffer]) async throws -> Int64 {
        try checkRunning()
        let (first, output) = node.append(values, now: clock())
        guard let first else { throw NotControllerError(leaderId: node.leaderId) }
        try process(output)
        let last = first + Int64(values.count) - 1
        if node.highWatermark > last { return first }
        try await withCheckedThrowingContinuation { commitWaiters.append((last, $0)) }
        return first
    }

    /// Runs the node's timers once (a quorum of one elects itself here).
    func poll() throws {
        try checkRunning()
        try process(node.poll(now: clock()))
    }

    /// Runs the timers until cancelled; throws when the metadata log fails, which stops the broker.
    func run() async throws {
        while !Task.isCancelled && !stopped {
            try poll()
            let wait = max(1, min(node.nextDeadline - clock(), 20))
            try? await Task.sleep(for: .milliseconds(wait))
        }
    }

    /// Steps down as leader and stops answering; held fetches and waiters end. A leader first tells the
    /// other voters (EndQuorumEpoch, waiting up to the request timeout for their answers), so its
    /// preferred successor stands for election at once instead of after the fetch timeout.
    func stop() async {
        guard !stopped else { return }
        var resign = node.resign(now: clock())
        // One EndQuorumEpoch per voter is enough (the node may have queued a resend as well).
        var told = Set<Int32>()
        let announcements = resign.messages.reversed().filter { told.insert($0.to).inserted }
        resign.messages = []
        _ = try? process(resign)
        stopped = true
        for (_, held) in heldFetches { held.resume(returning: .init(error: .notLeaderOrFollower, leaderEpoch: node.epoch, leaderId: -1)) }
        heldFetches = [:]
        for waiter in commitWaiters { waiter.continuation.resume(throwing: NotControllerError(leaderId: -1)) }
        commitWaiters = []
        for listener in commitListeners { listener.resume() }
        commitListeners = []
        guard !announcements.isEmpty else { return }
        let (peers, clusterId, configuration) = (self.peers, self.clusterId, self.configuration)
        await withTaskGroup(of: Void.self) { group in
            for (to, message) in announcements {
                group.addTask { _ = try? await peers.exchange(message, with: to, clusterId: clusterId, configuration: configuration) }
            }
            group.addTask { try? await Task.sleep(for: .milliseconds(configuration.requestTimeoutMs)) }
            for await _ in group.prefix(announcements.count) {}
            group.cancelAll()
        }
        logger.info("metadata quorum leadership handed over", metadata: ["epoch": "\(node.epoch)", "told": "\(announcements.map(\.to))"])
    }

    // MARK: Requests from other voters

    /// Answers a Vote, BeginQuorumEpoch, EndQuorumEpoch or FetchSnapshot request at once.
    func handle(_ request: RaftMessage, from: Int32) throws -> RaftMessage? {
        try checkRunning()
        return try process(node.handle(request, from: from, now: clock()), replyTo: from)
    }

    /// Answers a fetch, after up to `fetchMaxWaitMs` when the leader has nothing new for it.
    func fetch(_ request: RaftMessage.FetchRequest, from: Int32) async throws -> RaftMessage.FetchResponse {
        try checkRunning()
        if let older = heldFetches.removeValue(forKey: from) {
            older.resume(returning: .init(error: .none, leaderEpoch: node.epoch, leaderId: node.leaderId, highWatermark: node.highWatermark))
        }
        if case .fetchResponse(let answer)? = try process(node.handle(.fetchRequest(request), from: from, now: clock()), replyTo: from) {
            return answer
        }
        return await withCheckedContinuation { heldFetches[from] = $0 }
    }

    /// What DescribeQuorum reports: the leader, its epoch and high watermark, and each voter's progress
    /// as the leader sees it (other nodes know only their own log end).
    func describe() -> DescribeQuorumResponse.PartitionData {
        var partition = DescribeQuorumResponse.PartitionData()
        partition.leaderId = node.leaderId
        partition.leaderEpoch = node.epoch
        partition.highWatermark = node.highWatermark
        let now = clock()
        var progress: [Int32: LeaderState.ReplicaProgress] = [:]
        var observers: [Int32: LeaderState.ReplicaProgress] = [:]
        if case .leader(let s) = node.state {
            progress = s.voters
            observers = s.observers
        }
        let own: (endOffset: Int64, lastFetchTime: Int64, lastCaughtUpTime: Int64) = (log.endOffset, now, now)
        func state(_ id: Int32, _ p: LeaderState.ReplicaProgress?) -> DescribeQuorumResponse.ReplicaState {
            if id == nodeId {
                return DescribeQuorumResponse.ReplicaState(
                    replicaId: id, logEndOffset: own.endOffset, lastFetchTimestamp: own.lastFetchTime, lastCaughtUpTimestamp: own.lastCaughtUpTime)
            }
            return DescribeQuorumResponse.ReplicaState(
                replicaId: id, logEndOffset: p?.endOffset ?? -1, lastFetchTimestamp: p?.lastFetchTime ?? -1,
                lastCaughtUpTimestamp: p?.lastCaughtUpTime ?? -1)
        }
        partition.currentVoters = voters.ids.map { state($0, progress[$0]) }
        partition.observers = observers.keys.sorted().map { state($0, observers[$0]) }
        return partition
    }

    // MARK: The node's output

    /// Persists, then routes each message: an answer to `replyTo` is returned, an answer to a held fetch
    /// resumes it, requests go out through the peers. Then commits are announced.
    @discardableResult
    private func process(_ output: RaftOutput, replyTo: Int32? = nil) throws -> RaftMessage? {
        if let state = output.persist {
            try fileSystem.writeFileAtomically(ByteBuffer(string: state.json), to: statePath)
        }
        var reply: RaftMessage?
        for (to, message) in output.messages {
            switch message {
            case .voteResponse, .beginQuorumEpochResponse, .endQuorumEpochResponse, .fetchSnapshotResponse:
                if to == replyTo, reply == nil { reply = message }
            case .fetchResponse(let answer):
                if to == replyTo, reply == nil {
                    reply = message
                } else if let held = heldFetches.removeValue(forKey: to) {
                    held.resume(returning: answer)
                }
            case .voteRequest, .beginQuorumEpochRequest, .endQuorumEpochRequest, .fetchRequest, .fetchSnapshotRequest:
                send(message, to: to)
            }
        }
        if let failure = log.failure { throw QuorumLogError(underlying: failure) }
        announce()
        return reply
    }

    /// Resumes what waits on the high watermark, and logs role changes.
    private func announce() {
        let hw = node.highWatermark
        let committed = commitWaiters.filter { $0.offset < hw }
        commitWaiters.removeAll { $0.offset < hw }
        for waiter in committed { waiter.continuation.resume() }
        if !node.isLeader, !commitWaiters.isEmpty {
            // Appended by an earlier leadership of this node: they may yet commit, but this node cannot say.
            for waiter in commitWaiters { waiter.continuation.resume(throwing: NotControllerError(leaderId: node.leaderId)) }
            commitWaiters = []
        }
        if !commitListeners.isEmpty {
            let listeners = commitListeners
            commitListeners = []
            for listener in listeners { listener.resume() }
        }
        let now = (node.epoch, node.leaderId, node.state.name)
        if lastReported.map({ $0 != now }) ?? true {
            lastReported = now
            logger.info("metadata quorum", metadata: ["role": "\(now.2)", "epoch": "\(now.0)", "leader": "\(now.1)"])
        }
    }

    /// Sends a request to a voter in a task of its own; its answer comes back through `deliver`.
    private func send(_ message: RaftMessage, to peer: Int32) {
        let (peers, clusterId, configuration) = (self.peers, self.clusterId, self.configuration)
        Task {
            do {
                if let answer = try await peers.exchange(message, with: peer, clusterId: clusterId, configuration: configuration) {
                    self.deliver(answer, from: peer)
                }
            } catch {
                self.logger.debug("quorum request failed", metadata: ["to": "\(peer)", "error": "\(error)"])
                if case .fetchRequest = message { await self.fetchFailed(from: peer) }
            }
        }
    }

    /// A fetch from the leader failed (its connection broke): when its port now refuses connections the
    /// leader's process is gone, and a voter stands for election without waiting for the fetch timeout.
    private func fetchFailed(from peer: Int32) async {
        guard livenessProbe, !stopped, node.leaderId == peer, peer != nodeId, let endpoint = voters.voter(peer) else { return }
        guard await LivenessProbe.isRefused(host: endpoint.host, port: endpoint.port), !stopped, node.leaderId == peer else { return }
        logger.warning("metadata quorum leader \(peer) is gone: \(endpoint.host):\(endpoint.port) refuses connections (broker.liveness.probe.enable)")
        do {
            try process(node.leaderUnreachable(peer, now: clock()))
        } catch {
            logger.error("metadata quorum failed", metadata: ["error": "\(error)"])
        }
    }

    private func deliver(_ answer: RaftMessage, from peer: Int32) {
        guard !stopped else { return }
        do {
            try process(node.handle(answer, from: peer, now: clock()))
        } catch {
            logger.error("metadata quorum failed", metadata: ["error": "\(error)"])
        }
    }

    private func checkRunning() throws {
        if stopped { throw NotControllerError(leaderId: -1) }
        if let failure = log.failure { throw QuorumLogError(underlying: failure) }
    }
}

/// What the controller replays next, from `MetadataQuorum.committed(from:)`.
struct CommittedMetadata {
    /// The snapshot to load first, when the replay position is below the log's start.
    var snapshot: (id: OffsetAndEpoch, contents: ByteBuffer)?
    var entries: [(offset: Int64, value: ByteBuffer)]
    /// The high watermark: everything below it is committed.
    var end: Int64
}

/// This broker is not the active controller (the quorum's leader); Kafka answers NOT_CONTROLLER.
struct NotControllerError: Error, Sendable, CustomStringConvertible {
    var leaderId: Int32
    var description: String { leaderId >= 0 ? "not the controller; node \(leaderId) is" : "not the controller; no leader is known" }
}

/// The metadata log could not be written: the broker stops, as Kafka's does.
struct QuorumLogError: Error, Sendable, CustomStringConvertible {
    var underlying: any Error
    var description: String { "the metadata log failed: \(underlying)" }
}
