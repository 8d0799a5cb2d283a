import GroupCoordinator
import KafkaProtocol
import KafkaRecords
import Logging
import NIOCore
import Synchronization

/// One `__consumer_offsets` partition's coordinator at work: the shard state machine, the log it writes
/// to, and the JoinGroup/SyncGroup requests it holds. An operation and the append of its records happen
/// under one lock, so the log holds the records in the order the state changed; answers go out once the
/// records are written and the ISR has them.
final class CoordinatorShardRuntime: Sendable {
    let partition: Partition
    private let state: Mutex<State>
    private let replicas: ReplicaManager
    private let logger: Logger
    private let metrics: BrokerMetrics?
    /// `offsets.commit.timeout.ms`: how long a write waits for the ISR before the clients are told to retry.
    private let commitTimeoutMs: Int64

    struct State {
        var shard: GroupCoordinatorShard
        var loaded = false
        var nextToken: UInt64 = 0
        var joinWaiters: [RequestToken: CheckedContinuation<JoinGroupOutcome, Never>] = [:]
        var syncWaiters: [RequestToken: CheckedContinuation<SyncGroupOutcome, Never>] = [:]

        mutating func token() -> RequestToken {
            nextToken += 1
            return RequestToken(nextToken)
        }
    }

    init(
        partition: Partition, shard: GroupCoordinatorShard, replicas: ReplicaManager, commitTimeoutMs: Int64, logger: Logger,
        metrics: BrokerMetrics? = nil
    ) {
        self.partition = partition
        self.commitTimeoutMs = commitTimeoutMs
        self.state = Mutex(State(shard: shard))
        self.replicas = replicas
        self.logger = logger
        self.metrics = metrics
    }

    var isLoaded: Bool { state.withLock { $0.loaded } }

    /// Replays the partition from its start up to its log end, then opens for requests. A new leader's
    /// log holds every committed write even when its high watermark has not caught up yet, and what it
    /// holds beyond is what the followers will copy, so Kafka's loader reads to the log end too.
    func load(now: Int64) throws {
        var offset = partition.log.logStartOffset
        let end = partition.log.logEndOffset
        var count = 0
        while offset < end {
            let read = try partition.log.read(from: offset, maxBytes: 4 << 20, upTo: end, minOneBatch: true)
            guard !read.slices.isEmpty else { break }
            var progressed = false
            for slice in read.slices {
                for batch in RecordBatchSequence(try slice.readBytes()) where !batch.attributes.isControl {
                    for record in try batch.decodeRecords() where record.offset >= offset {
                        guard let key = record.key else { continue }
                        try state.withLock { try $0.shard.replay(key: key, value: record.value) }
                        count += 1
                    }
                    offset = max(offset, batch.nextOffset)
                    progressed = true
                }
            }
            if !progressed { break }
        }
        state.withLock {
            $0.shard.finishLoading(now: now)
            $0.loaded = true
        }
        logger.info("loaded group coordinator", metadata: ["partition": "\(partition.topicPartition)", "records": "\(count)"])
    }

    // MARK: Operations

    func joinGroup(_ input: JoinGroupInput, now: Int64) async -> JoinGroupOutcome {
        await withCheckedContinuation { continuation in
            let (effects, failure) = state.withLock { state in
                let token = state.token()
                state.joinWaiters[token] = continuation
                let effects = state.shard.joinGroup(input, token: token, now: now)
                return (effects, append(effects.records, now: now))
            }
            deliver(effects, after: failure)
        }
    }

    func syncGroup(_ input: SyncGroupInput, now: Int64) async -> SyncGroupOutcome {
        await withCheckedContinuation { continuation in
            let (effects, failure) = state.withLock { state in
                let token = state.token()
                state.syncWaiters[token] = continuation
                let effects = state.shard.syncGroup(input, token: token, now: now)
                return (effects, append(effects.records, now: now))
            }
            deliver(effects, after: failure)
        }
    }

    func heartbeat(groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32, now: Int64) -> ErrorCode {
        state.withLock { $0.shard.heartbeat(groupId: groupId, memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId, now: now) }
    }

    func leaveGroup(groupId: String, members: [LeavingMember], now: Int64) async -> (ErrorCode, [ErrorCode]) {
        let (result, write) = state.withLock { state in
            let result = state.shard.leaveGroup(groupId: groupId, members: members, now: now)
            return (result, append(result.effects.records, now: now))
        }
        let failure = await settle(write)
        finish(result.effects, failure: failure)
        return (result.error, result.members)
    }

    func commitOffsets(
        groupId: String, memberId: String, groupInstanceId: String?, generationId: Int32, offsets: [OffsetToCommit],
        expireTimestamp: Int64?, now: Int64
    ) async -> [TopicPartition: ErrorCode] {
        let (result, write) = state.withLock { state in
            let result = state.shard.commitOffsets(
                groupId: groupId, memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId,
                offsets: offsets, expireTimestamp: expireTimestamp, now: now)
            return (result, append(result.records, now: now))
        }
        if let failure = await settle(write) {
            return result.errors.mapValues { $0 == .noError ? failure : $0 }
        }
        return result.errors
    }

    func fetchOffsets(groupId: String, partitions: [TopicPartition]?) -> [(TopicPartition, CommittedOffset?)] {
        state.withLock { $0.shard.fetchOffsets(groupId: groupId, partitions: partitions) }
    }

    func describeGroup(_ groupId: String) -> GroupDescription { state.withLock { $0.shard.describeGroup(groupId) } }

    func listGroups(states: [String]) -> [GroupOverview] { state.withLock { $0.shard.listGroups(states: states) } }

    func deleteGroup(_ groupId: String, now: Int64) async -> ErrorCode {
        let (result, write) = state.withLock { state in
            let result = state.shard.deleteGroup(groupId)
            return (result, append(result.records, now: now))
        }
        let failure = await settle(write)
        return result.error == .noError ? failure ?? .noError : result.error
    }

    func deleteOffsets(groupId: String, partitions: [TopicPartition], now: Int64) async -> (ErrorCode, [TopicPartition: ErrorCode]) {
        let (result, write) = state.withLock { state in
            let result = state.shard.deleteOffsets(groupId: groupId, partitions: partitions)
            return (result, append(result.records, now: now))
        }
        if let failure = await settle(write), result.error == .noError { return (failure, [:]) }
        return (result.error, result.partitions)
    }

    /// Fires due deadlines (the service's timer calls this).
    func advance(to now: Int64) {
        let (effects, write) = state.withLock { state -> (CoordinatorEffects, Write) in
            guard state.loaded, let next = state.shard.nextDeadline, next <= now else { return (CoordinatorEffects(), .none) }
            let effects = state.shard.advance(to: now)
            return (effects, append(effects.records, now: now))
        }
        deliver(effects, after: write)
    }

    /// Removes expired offsets (and empty groups).
    func expireOffsets(now: Int64) {
        // Nobody waits for an expiry's answer; a write the ISR never confirms is expired again later.
        _ = state.withLock { state -> Write in
            guard state.loaded else { return .none }
            return append(state.shard.expireOffsets(now: now), now: now)
        }
    }

    // MARK: Writing and answering

    /// A write of the coordinator's records: nothing to write, refused at once, or appended and
    /// waiting for the ISR.
    enum Write {
        case none
        case failed(ErrorCode)
        case appended(endOffset: Int64)
    }

    /// Appends records as one batch (inside the lock: the log's order is the state's order), as acks=all
    /// (Kafka's coordinator writes with acks=-1, so a commit it answered survives the loss of its
    /// broker). Refused at once when the ISR is under `min.insync.replicas`.
    private func append(_ records: [CoordinatorRecord], now: Int64) -> Write {
        guard !records.isEmpty else { return .none }
        var builder = RecordBatchBuilder(initialCapacity: records.reduce(0) { $0 + $1.key.readableBytes + ($1.value?.readableBytes ?? 0) + 16 })
        for record in records { builder.append(key: record.key, value: record.value, timestamp: now) }
        do {
            let result = try partition.appendAsLeader(try builder.build().bytes, requiredAcks: -1, now: now)
            return .appended(endOffset: result.lastOffset + 1)
        } catch let error as ProduceError {
            logger.warning("could not write to \(partition.topicPartition)", metadata: ["error": "\(error)"])
            return .failed(Self.coordinatorError(error.code))
        } catch {
            logger.error("could not write to \(partition.topicPartition)", metadata: ["error": "\(error)"])
            return .failed(.coordinatorNotAvailable)
        }
    }

    /// Waits until the ISR has the write (at most `offsets.commit.timeout.ms`): nil once it has, else
    /// the error the group's clients get.
    private func settle(_ write: Write) async -> ErrorCode? {
        switch write {
        case .none: return nil
        case .failed(let code): return code
        case .appended(let endOffset):
            let deadline = ContinuousClock.now + .milliseconds(commitTimeoutMs)
            guard let error = await replicas.awaitAcknowledgement(partition, upTo: endOffset, deadline: deadline) else { return nil }
            logger.warning("a write to \(partition.topicPartition) was not replicated", metadata: ["error": "\(error)"])
            return Self.coordinatorError(error.code)
        }
    }

    /// Hands out held answers once the write is settled, without holding up the caller.
    private func deliver(_ effects: CoordinatorEffects, after write: Write) {
        guard case .appended = write else {
            if case .failed(let code) = write { finish(effects, failure: code) } else { finish(effects, failure: nil) }
            return
        }
        Task { finish(effects, failure: await settle(write)) }
    }

    /// Kafka's mapping of a failed `__consumer_offsets` write to what group clients understand
    /// (`CoordinatorRuntime`/`GroupMetadataManager`): a lost leadership means look the coordinator up
    /// again; too few replicas or a timeout mean try again later.
    static func coordinatorError(_ code: ErrorCode) -> ErrorCode {
        switch code {
        case .notLeaderOrFollower, .kafkaStorageError: .notCoordinator
        case .messageTooLarge, .recordListTooLarge, .invalidFetchSize: .invalidCommitOffsetSize
        default: .coordinatorNotAvailable
        }
    }

    /// Delivers held answers (errors instead when the records could not be written).
    private func finish(_ effects: CoordinatorEffects, failure: ErrorCode?) {
        if effects.rebalancesCompleted > 0 { metrics?.groupRebalances.increment(by: effects.rebalancesCompleted) }
        guard !effects.joins.isEmpty || !effects.syncs.isEmpty else { return }
        let (joins, syncs) = state.withLock { state in
            (
                effects.joins.compactMap { token, outcome in state.joinWaiters.removeValue(forKey: token).map { ($0, outcome) } },
                effects.syncs.compactMap { token, outcome in state.syncWaiters.removeValue(forKey: token).map { ($0, outcome) } }
            )
        }
        for (continuation, outcome) in joins {
            continuation.resume(returning: failure.map { JoinGroupOutcome(memberId: outcome.memberId, error: $0) } ?? outcome)
        }
        for (continuation, outcome) in syncs {
            continuation.resume(returning: failure.map { SyncGroupOutcome(error: $0) } ?? outcome)
        }
    }

    /// Answers every held request (the partition is no longer ours): NOT_COORDINATOR, so clients look
    /// the coordinator up again.
    func unload() {
        let (joins, syncs) = state.withLock { state in
            defer {
                state.joinWaiters = [:]
                state.syncWaiters = [:]
                state.loaded = false
            }
            return (Array(state.joinWaiters.values), Array(state.syncWaiters.values))
        }
        for continuation in joins { continuation.resume(returning: JoinGroupOutcome(memberId: "", error: .notCoordinator)) }
        for continuation in syncs { continuation.resume(returning: SyncGroupOutcome(error: .notCoordinator)) }
    }
}
