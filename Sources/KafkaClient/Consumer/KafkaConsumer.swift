import KafkaProtocol
import KafkaRecords
import Logging
import NIOCore

/// A fetch-based Kafka consumer, over manually assigned partitions or as a member of a consumer group.
///
/// Either `assign` partitions (optionally `seek`), or set `groupId` and `subscribe` to topics: the group
/// then decides the assignment (see `KafkaConsumer+Group`). Each `poll` first does what the group needs
/// (join, rebalance callbacks, auto-commit), then returns the records fetched so far (in offset order per
/// partition); when nothing is buffered it sends a fetch to every leader that has none in flight and
/// returns as soon as any of them answers with records, so a slow or idle leader delays no other. A
/// partition without a position starts at the group's committed offset (when `groupId` is set), else
/// per `auto.offset.reset`. An actor: one poll at a time; seeks and commits between polls or in rebalance
/// callbacks.
public actor KafkaConsumer {
    public nonisolated let cluster: ClusterClient
    public nonisolated let configuration: ConsumerConfiguration
    private let ownsCluster: Bool
    /// The group side (membership, commits), when `groupId` is set.
    nonisolated let coordinator: ConsumerCoordinator?

    struct PartitionState {
        /// The next offset to fetch; nil until reset.
        var position: Int64?
        /// A pending lazy reset (seekToBeginning/End); nil means `auto.offset.reset`.
        var reset: OffsetSpec?
        var highWatermark: Int64?
        var logStartOffset: Int64?
        var lastStableOffset: Int64?
        /// Start from the group's committed offset (looked up before `auto.offset.reset` applies).
        var needsCommitted = false
    }

    var partitions: [TopicPartition: PartitionState] = [:]
    var order: [TopicPartition] = []
    var buffer: [ConsumerRecord] = []
    var bufferHead = 0
    var closed = false
    var polling = false
    /// The fetch in flight to each leader, by the partitions it asks for: at most one per leader, and a
    /// partition in one fetch at a time (Kafka's fetcher). Fetches outlive the poll that sent them.
    var fetchesInFlight: [Int32: Set<TopicPartition>] = [:]
    /// Leaders whose last fetch failed: not asked again before this time (`retry.backoff.ms`).
    var fetchBackoff: [Int32: ContinuousClock.Instant] = [:]
    /// A fetch's failure for the next poll to throw (a CRC error, offset out of range with no reset).
    var fetchFailure: (any Error)?
    /// Polls waiting for a fetch to complete.
    var fetchWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextFetchWaiter = 0
    var group = ConsumerGroupState()
    var logger: Logger { cluster.configuration.logger }

    public init(cluster: ClusterClient, configuration: ConsumerConfiguration = .init()) {
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = false
        self.coordinator = Self.coordinator(cluster: cluster, configuration: configuration)
    }

    /// A consumer with its own cluster client; `close()` closes it too.
    public init(clientConfiguration: ClientConfiguration, configuration: ConsumerConfiguration = .init()) {
        let cluster = ClusterClient(configuration: clientConfiguration)
        self.cluster = cluster
        self.configuration = configuration
        self.ownsCluster = true
        self.coordinator = Self.coordinator(cluster: cluster, configuration: configuration)
    }

    private static func coordinator(cluster: ClusterClient, configuration: ConsumerConfiguration) -> ConsumerCoordinator? {
        guard let groupId = configuration.groupId, !groupId.isEmpty else { return nil }
        return ConsumerCoordinator(groupId: groupId, cluster: cluster, configuration: configuration)
    }

    public init(bootstrap: [String], configuration: ConsumerConfiguration = .init()) throws {
        self.init(clientConfiguration: try ClientConfiguration(bootstrap: bootstrap), configuration: configuration)
    }

    /// Replaces the assignment. Partitions kept keep their positions; new ones start at the group's
    /// committed offset (with a `groupId`) or per `auto.offset.reset`, unless sought. Not allowed while
    /// subscribed: the next poll then fails (call `unsubscribe()` first).
    public func assign(_ newPartitions: [TopicPartition]) {
        guard !group.isSubscribed else {
            group.misuse = KafkaClientError(.invalidArgument, "assign() while subscribed to topics: call unsubscribe() first")
            return
        }
        setAssignment(newPartitions)
    }

    /// The assignment without the subscription check (also used by the group).
    func setAssignment(_ newPartitions: [TopicPartition]) {
        var next: [TopicPartition: PartitionState] = [:]
        for tp in newPartitions { next[tp] = partitions[tp] ?? PartitionState(needsCommitted: coordinator != nil) }
        partitions = next
        order = newPartitions.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        dropBuffered { next[$0] == nil }
    }

    public var assignment: [TopicPartition] { order }

    /// The next `poll` fetches `tp` from `offset`.
    public func seek(_ tp: TopicPartition, to offset: Int64) throws {
        guard partitions[tp] != nil else { throw notAssigned(tp) }
        guard offset >= 0 else { throw KafkaClientError(.invalidArgument, "cannot seek \(tp) to negative offset \(offset)") }
        partitions[tp]?.position = offset
        partitions[tp]?.reset = nil
        partitions[tp]?.needsCommitted = false
        dropBuffered { $0 == tp }
    }

    /// Moves to the log start offset (resolved lazily, at the next poll or `position`).
    public func seekToBeginning(_ tps: [TopicPartition]? = nil) throws { try lazyReset(tps, to: .earliest) }

    /// Moves to the log end offset (resolved lazily).
    public func seekToEnd(_ tps: [TopicPartition]? = nil) throws { try lazyReset(tps, to: .latest) }

    /// Moves each partition to its first record at or after `timestamp` (ms), or to the end when none.
    public func seek(_ tps: [TopicPartition]? = nil, toTimestamp timestamp: Int64) async throws {
        let targets = tps ?? order
        for tp in targets where partitions[tp] == nil { throw notAssigned(tp) }
        let found = try await cluster.listOffsets(Dictionary(uniqueKeysWithValues: targets.map { ($0, OffsetSpec.timestamp(timestamp)) }))
        var atEnd: [TopicPartition] = []
        for tp in targets {
            guard let answer = found[tp] else { continue }
            let listed = try answer.get()
            if listed.offset >= 0 { try seek(tp, to: listed.offset) } else { atEnd.append(tp) }
        }
        if !atEnd.isEmpty { try seekToEnd(atEnd) }
    }

    /// The offset the next record will come from, resolving a pending reset first.
    public func position(_ tp: TopicPartition) async throws -> Int64 {
        guard partitions[tp] != nil else { throw notAssigned(tp) }
        if partitions[tp]?.position == nil { try await resolvePositions() }
        guard let position = consumedPosition(tp) else {
            throw KafkaClientError(.leaderNotAvailable, "no offset for \(tp) yet (its leader did not answer ListOffsets): try again")
        }
        return position
    }

    /// The next offset `poll` will hand out: the first buffered record's, else the fetch position.
    func consumedPosition(_ tp: TopicPartition) -> Int64? {
        if bufferHead < buffer.count, let first = buffer[bufferHead...].first(where: { $0.topicPartition == tp }) {
            return first.offset
        }
        return partitions[tp]?.position
    }

    /// The high watermark from the latest fetch of `tp`, if any.
    public func highWatermark(_ tp: TopicPartition) -> Int64? { partitions[tp]?.highWatermark }

    /// The log start offset from the latest fetch of `tp`, if any.
    public func logStartOffset(_ tp: TopicPartition) -> Int64? { partitions[tp]?.logStartOffset }

    /// Records between the position and the high watermark (the last stable offset under
    /// read_committed), Kafka's `currentLag`, once both are known.
    public func lag(_ tp: TopicPartition) -> Int64? {
        let end = configuration.isolationLevel == .readCommitted ? partitions[tp]?.lastStableOffset : partitions[tp]?.highWatermark
        guard let hw = end, let position = consumedPosition(tp) else { return nil }
        return max(hw - position, 0)
    }

    /// Fetched records, up to `max.poll.records`, waiting up to `timeout` for some to arrive.
    public func poll(timeout: Duration) async throws -> [ConsumerRecord] {
        guard !closed else { throw KafkaClientError(.closed, "the consumer is closed") }
        guard !polling else { throw KafkaClientError(.invalidArgument, "poll is already running on this consumer") }
        polling = true
        defer { polling = false }
        if let misuse = group.misuse {
            group.misuse = nil
            throw misuse
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            guard !closed else { throw KafkaClientError(.closed, "the consumer was closed while polling") }
            if coordinator != nil {
                guard try await ensureActiveGroup(until: deadline) else { return [] }
                await maybeAutoCommit()
            }
            if bufferHead < buffer.count { return takeBuffered() }
            let remaining = deadline - clock.now
            guard remaining > .zero, !Task.isCancelled else { return [] }
            guard !order.isEmpty else {
                try await Task.sleep(for: min(remaining, .milliseconds(100)))
                continue
            }
            try await resolvePositions()
            try await startFetches()
            if let failure = fetchFailure {
                fetchFailure = nil
                throw failure
            }
            if bufferHead < buffer.count { continue }
            if fetchesInFlight.isEmpty {
                // Nothing could be asked (no leader known, or every leader backing off): wait a little.
                try await Task.sleep(for: min(deadline - clock.now, cluster.configuration.retryBackoff))
            } else {
                await waitForFetch(until: deadline)
            }
        }
    }

    /// Stops the consumer: with a group, commits (auto-commit), hands its partitions back (revoked
    /// callback) and leaves the group (not a static member); closes the cluster client if it created it.
    public func close() async {
        guard !closed else { return }
        closed = true  // first: a poll running concurrently stops instead of rejoining
        wakeFetchWaiters()
        await closeGroup()
        partitions = [:]
        order = []
        buffer = []
        bufferHead = 0
        if ownsCluster { await cluster.close() }
    }

    // MARK: Internals

    private func lazyReset(_ tps: [TopicPartition]?, to spec: OffsetSpec) throws {
        for tp in tps ?? order {
            guard partitions[tp] != nil else { throw notAssigned(tp) }
            partitions[tp]?.position = nil
            partitions[tp]?.reset = spec
            partitions[tp]?.needsCommitted = false
            dropBuffered { $0 == tp }
        }
    }

    func notAssigned(_ tp: TopicPartition) -> KafkaClientError {
        KafkaClientError(.notAssigned, "\(tp) is not assigned to this consumer")
    }

    private func takeBuffered() -> [ConsumerRecord] {
        let end = min(buffer.count, bufferHead + configuration.maxPollRecords)
        let records = Array(buffer[bufferHead..<end])
        bufferHead = end
        if bufferHead >= buffer.count {
            buffer.removeAll(keepingCapacity: true)
            bufferHead = 0
        }
        return records
    }

    func dropBuffered(where matches: (TopicPartition) -> Bool) {
        guard bufferHead < buffer.count else { return }
        buffer = buffer[bufferHead...].filter { !matches($0.topicPartition) }
        bufferHead = 0
    }
}
