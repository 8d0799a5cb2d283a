import KafkaClient
import KafkaRecords

/// Reads a topic back from every partition's log start to its high watermark, for the durability
/// checker: where each record of one run sits. Waits (up to a deadline) for every partition to have
/// a leader, so that a check after a failover reads the new leaders, and (up to `settleTimeout`) for
/// each high watermark to pass the highest offset acknowledged there: with acks=1 a leader
/// acknowledges before its followers copy, and consumers see a record only once they have.
public struct ReadBack: Sendable {
    /// What was read: the run's records, and how many records belonged to other runs or to no bench.
    public struct Result: Sendable {
        public var observations: [DeliveryHistory.Observation] = []
        public var otherRuns = 0
        public var unstamped = 0
    }

    public var topic: String
    public var run: UInt32
    public var client: ClientConfiguration
    public var timeout: Duration = .seconds(60)
    /// Per partition, one past the highest offset acknowledged there (what reading should reach).
    public var acknowledgedEnds: [Int32: Int64] = [:]
    /// How long to wait for high watermarks to reach `acknowledgedEnds` before calling the rest lost.
    public var settleTimeout: Duration = .seconds(15)

    public init(topic: String, run: UInt32, client: ClientConfiguration) {
        self.topic = topic
        self.run = run
        self.client = client
    }

    public func read(progress: (@Sendable (String) -> Void)? = nil) async throws -> Result {
        var own = client
        own.clientId = "gregor-bench-verify"
        var configuration = ConsumerConfiguration()
        configuration.enableAutoCommit = false
        configuration.autoOffsetReset = .earliest
        let consumer = KafkaConsumer(clientConfiguration: own, configuration: configuration)
        do {
            let result = try await read(with: consumer, progress: progress)
            await consumer.close()
            return result
        } catch {
            await consumer.close()
            throw error
        }
    }

    private func read(with consumer: KafkaConsumer, progress: (@Sendable (String) -> Void)?) async throws -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let ends = try await endOffsets(consumer.cluster, deadline: deadline)
        let total = ends.values.reduce(0) { $0 + max($1.end - $1.start, 0) }
        progress?("reading back \(total) record(s) from \(ends.count) partition(s) of \(topic)")
        let pending = ends.filter { max($0.value.end, acknowledgedEnds[$0.key.partition] ?? 0) > $0.value.start }
        await consumer.assign(pending.keys.sorted())
        for (tp, range) in pending { try await consumer.seek(tp, to: range.start) }
        var result = Result()
        var remaining = Set(pending.keys)
        while !remaining.isEmpty {
            guard clock.now < deadline else {
                throw BenchError("reading back \(topic) timed out; partitions not read to their end: \(remaining.sorted().map(\.description).joined(separator: ", "))")
            }
            observe(try await consumer.poll(timeout: .milliseconds(500)), into: &result)
            for tp in remaining where try await consumer.position(tp) >= ends[tp]!.end { remaining.remove(tp) }
        }
        // Read on past the high watermarks read at the start, until a poll brings nothing more and every
        // partition is read past what was acknowledged there (or `settleTimeout` passed: the rest is
        // lost). High watermarks still rise after an acks=1 run, and a broker whose ListOffsets answers
        // short of its log end (Tansu 0.6 gives its last batch's base offset + 1) would hide records.
        let settled = min(deadline, clock.now + settleTimeout)
        while clock.now < settled {
            let records = try await consumer.poll(timeout: .milliseconds(300))
            observe(records, into: &result)
            if records.isEmpty, try await readPastAcknowledged(pending.keys, consumer) { break }
        }
        return result
    }

    /// Whether every partition's position is past the highest offset acknowledged there.
    private func readPastAcknowledged(_ partitions: some Collection<TopicPartition>, _ consumer: KafkaConsumer) async throws -> Bool {
        for tp in partitions where try await consumer.position(tp) < acknowledgedEnds[tp.partition] ?? 0 { return false }
        return true
    }

    /// Counts each record: one of this run (by its stamp), of another run, or not stamped at all.
    private func observe(_ records: [ConsumerRecord], into result: inout Result) {
        for record in records {
            guard let value = record.value, let stamp = RecordStamp(reading: value) else {
                result.unstamped += 1
                continue
            }
            guard stamp.run == run else {
                result.otherRuns += 1
                continue
            }
            result.observations.append(.init(position: LogPosition(partition: record.partition, offset: record.offset), id: stamp.id))
        }
    }

    /// Each partition's log start offset and high watermark, once every partition has a leader.
    private func endOffsets(_ cluster: ClusterClient, deadline: ContinuousClock.Instant) async throws -> [TopicPartition: (start: Int64, end: Int64)] {
        var lastProblem = "no metadata"
        while ContinuousClock().now < deadline {
            do {
                let metadata = try await cluster.refreshMetadata(topics: [topic])
                // A broker that has just restarted may not know the topic until it has replayed the
                // metadata log: retried like a partition without a leader.
                guard let described = metadata.topics[topic], described.error == .noError, !described.partitions.isEmpty else {
                    lastProblem = "topic '\(topic)' does not exist"
                    try await Task.sleep(for: .milliseconds(500))
                    continue
                }
                let partitions = described.partitions.map { TopicPartition(topic, $0.partition) }
                if let leaderless = described.partitions.first(where: { !$0.hasLeader }) {
                    lastProblem = "partition \(leaderless.partition) has no leader"
                } else {
                    let starts = try await cluster.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.earliest) }))
                    let ends = try await cluster.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.latest) }))
                    var offsets: [TopicPartition: (start: Int64, end: Int64)] = [:]
                    for tp in partitions {
                        if case .success(let start) = starts[tp], case .success(let end) = ends[tp] { offsets[tp] = (start.offset, end.offset) }
                    }
                    if offsets.count == partitions.count { return offsets }
                    lastProblem = "ListOffsets failed for \(partitions.count - offsets.count) partition(s)"
                }
            } catch let error as KafkaClientError {
                lastProblem = error.message
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw BenchError("cannot read back \(topic): \(lastProblem)")
    }
}
