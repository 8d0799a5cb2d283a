import Controller
import KafkaClient
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Raft
import Synchronization
import SystemPackage

/// The broker's controller side: the controller state machine over the metadata quorum. Every broker
/// replays the committed metadata log into its image and publishes it to the rest of the broker; the
/// quorum's leader is the active controller, which validates admin operations, commits their records
/// and answers once they are committed. Other brokers forward those operations to it, as KRaft brokers
/// do (KIP-590), so a client may send them to any broker.
actor MetadataService {
    var controller: ControllerStateMachine
    let quorum: MetadataQuorum
    let peers: QuorumPeers
    let nodeId: Int32
    let clusterId: String
    let publish: @Sendable (MetadataImage) -> Void
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// The next metadata log offset to replay.
    var applied: Int64 = 0
    var producerIds: ClosedRange<Int64>?
    var nextProducerId: Int64 = 0
    var operationRunning = false
    var operationQueue: [CheckedContinuation<Void, Never>] = []
    /// This broker's epoch in its current incarnation, once registered.
    var registeredEpoch: Int64?
    /// The active controller's broker sessions, for the quorum epoch `sessionsEpoch`.
    var sessions: BrokerSessions?
    var sessionsEpoch: Int32 = -1
    /// `broker.session.timeout.ms`, as the controller applies it.
    let sessionTimeoutMs: Int64
    /// `broker.heartbeat.interval.ms`: a broker silent for one and a half of these is probed.
    let heartbeatIntervalMs: Int64
    var probeAfterMs: Int64 { heartbeatIntervalMs * 3 / 2 }
    /// `broker.liveness.probe.enable`: fence a silent broker whose port refuses connections at once.
    let livenessProbe: Bool
    /// The controller term (quorum epoch) whose brokers were all probed when it began.
    var probedEpoch: Int32 = -1
    let monotonicClock: @Sendable () -> Int64
    /// When to snapshot the image so the metadata log does not grow without bound (KIP-630).
    var snapshotPolicy: MetadataSnapshotPolicy
    nonisolated let cache: MetadataCache
    nonisolated let controllerId: ControllerIdentity

    /// Opens the metadata log and the quorum; nothing is replayed until `start` learns what is committed.
    init(
        directory: FilePath, clusterId: String, config: BrokerConfig, fileSystem: any LogFileSystem, hadCleanShutdown: Bool,
        publish: @escaping @Sendable (MetadataImage) -> Void, clock: @escaping @Sendable () -> Int64, logger: Logger,
        faults: BrokerFaults? = nil
    ) throws {
        let logDirectory = directory.appending(PartitionMetadataLog.topicPartition.description)
        var logConfig = LogConfig()
        logConfig.retentionMs = -1
        logConfig.segmentBytes = Int(clamping: config.metadataLogSegmentBytes)
        // Segments a snapshot covers go at once: nothing reads the metadata log by file.
        logConfig.fileDeleteDelayMs = 0
        let (partitionLog, report) = try PartitionLog.open(
            directory: logDirectory, topicPartition: PartitionMetadataLog.topicPartition, config: logConfig,
            fileSystem: fileSystem, options: .init(hadCleanShutdown: hadCleanShutdown), now: clock())
        if report.repairedAnything { logger.warning("metadata log recovered", metadata: ["report": "\(report)"]) }
        let raftLog = try MetadataRaftLog(log: partitionLog, fileSystem: fileSystem, clock: clock)
        let voters = try config.quorumVoters
        peers = QuorumPeers(voters: voters, nodeId: config.nodeId, faults: faults)
        quorum = try MetadataQuorum(
            nodeId: config.nodeId, voters: voters, configuration: config.raftConfiguration(voters: voters), log: raftLog,
            clusterId: clusterId, statePath: logDirectory.appending("quorum-state"), fileSystem: fileSystem, peers: peers,
            clock: clock, logger: logger, livenessProbe: config.livenessProbeEnabled)
        controller = ControllerStateMachine(
            clusterId: clusterId, nodeId: config.nodeId, staticBrokerConfigs: config.staticConfigs,
            placementSeed: UInt64.random(in: 0...UInt64.max))
        cache = MetadataCache(controller.image)
        controllerId = ControllerIdentity()
        nodeId = config.nodeId
        self.clusterId = clusterId
        self.publish = publish
        self.clock = clock
        self.logger = logger
        sessionTimeoutMs = config.brokerSessionTimeoutMs
        heartbeatIntervalMs = config.brokerHeartbeatIntervalMs
        livenessProbe = config.livenessProbeEnabled
        monotonicClock = MonotonicClock.milliseconds
        snapshotPolicy = MetadataSnapshotPolicy(
            maxBytes: config.metadataSnapshotBytes, maxIntervalMs: config.metadataSnapshotIntervalMs, now: MonotonicClock.milliseconds())
    }

    /// Joins the quorum and registers this broker: the leader formats an empty cluster and registers
    /// itself; another broker waits for a leader and asks it to register this broker
    /// (BrokerRegistration). Registered brokers start fenced; this heartbeats until the controller
    /// unfences it, which it does once this broker has replayed the metadata log up to its own
    /// registration (KIP-631). `quorum.run()` must be running unless this broker is the only voter.
    func start(host: String, port: Int32) async throws {
        try await quorum.poll()
        try await applyCommitted()
        let incarnation = KafkaUUID.random()
        var attempt = 0
        while !isRegistered(incarnation) {
            try Task.checkCancellation()
            do {
                if let registration = controller.image.brokers[nodeId], registration.incarnationId == incarnation {
                    // Registered, even if the controller's answer was lost to a change of leader.
                    registeredEpoch = registration.epoch
                } else {
                    try await register(incarnation: incarnation, host: host, port: port)
                }
                let answer = try await heartbeat()
                if answer.errorCode != 0 { throw KafkaClientError(.brokerError, "heartbeat refused: \(ErrorCode(answer.errorCode))") }
            } catch {
                attempt += 1
                if attempt % 20 == 1 {
                    let leader = await quorum.leaderId
                    logger.info("waiting for the metadata quorum", metadata: ["reason": "\(error)", "leader": "\(leader)"])
                }
            }
            try await applyCommitted()
            if !isRegistered(incarnation) { try await Task.sleep(for: .milliseconds(100)) }
        }
        let (epoch, leader) = (await quorum.epoch, await quorum.leaderId)
        logger.info(
            "metadata quorum ready",
            metadata: ["epoch": "\(epoch)", "leader": "\(leader)", "offset": "\(controller.image.offset)",
                       "topics": "\(controller.image.topicsByName.count)"])
    }

    private func isRegistered(_ incarnation: KafkaUUID) -> Bool {
        guard let registration = controller.image.brokers[nodeId] else { return false }
        return registration.incarnationId == incarnation && !registration.fenced
    }

    /// Follows the committed log for as long as the broker runs: replays what commits, publishes it.
    func followCommits() async throws {
        while !Task.isCancelled, !(await quorum.isStopped) {
            try await applyCommitted()
            await quorum.waitForCommit(beyond: applied)
        }
    }

    /// Resigns leadership, closes the peers and flushes the metadata log (before the data directory's
    /// clean-shutdown marker is written).
    func close() async throws {
        await quorum.stop()
        await peers.close()
        try await quorum.close()
    }

    var image: MetadataImage { controller.image }
    var configResolver: ConfigResolver { controller.configs }

    // MARK: Replay

    /// Replays the committed entries not yet applied, in offset order, and publishes the image. When the
    /// log starts past what was applied, its snapshot is loaded first. Then a snapshot is taken if one
    /// is due.
    func applyCommitted() async throws {
        let committed = await quorum.committed(from: applied)
        var changed = false
        if let snapshot = committed.snapshot, applied < snapshot.id.offset {
            controller.load(snapshot: try MetadataSnapshot.decode(snapshot.contents), endOffset: snapshot.id.offset)
            applied = snapshot.id.offset
            changed = true
            snapshotPolicy.reset(now: monotonicClock())
            logger.info("metadata snapshot loaded", metadata: ["offset": "\(snapshot.id.offset)", "epoch": "\(snapshot.id.epoch)"])
        }
        for (offset, value) in committed.entries where offset >= applied {
            controller.replay(try MetadataRecordSerde.decode(value), offset: offset)
            applied = offset + 1
            snapshotPolicy.applied(bytes: value.readableBytes)
            changed = true
        }
        applied = max(applied, committed.end)  // past the control entries (LeaderChange) too
        controllerId.set(await quorum.leaderId)
        if changed {
            cache.publish(controller.image)
            publish(controller.image)
        }
        if snapshotPolicy.isDue(now: monotonicClock()) { try await takeSnapshot() }
    }

    /// Snapshots the image as of `applied` (everything below it is committed and replayed), so the
    /// metadata log can drop the segments it covers.
    private func takeSnapshot() async throws {
        let contents = try MetadataSnapshot.encode(controller.image, timestamp: clock())
        snapshotPolicy.reset(now: monotonicClock())
        _ = try await quorum.takeSnapshot(at: applied, contents: contents)
    }
}

/// Which broker is the active controller right now (the quorum's leader), for Metadata and
/// DescribeCluster answers; -1 while there is none.
final class ControllerIdentity: Sendable {
    private let current = Atomic<Int32>(-1)
    init() {}
    var id: Int32 { current.load(ordering: .relaxed) }
    func set(_ id: Int32) { current.store(id, ordering: .relaxed) }
}
