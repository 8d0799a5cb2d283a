import KafkaClient
import KafkaRecords
import Synchronization

/// The consumers of a bench: assigned a share of the partitions, or members of a group, polling
/// until the record count, the duration, the caller's condition, or an idle timeout ends the run.
/// Records stamped by `endToEndRun` measure end-to-end latency: now minus the time the record was
/// meant to be sent.
public final class ConsumerFleet: Sendable {
    public let settings: ConsumeSettings
    let lane: LaneRecorder
    let stop: StopSignal
    /// The run whose stamped records measure end-to-end latency (e2e), if any.
    let endToEndRun: UInt32?
    private let consumers: [KafkaConsumer]
    private let counters = Mutex(Counters())

    struct Counters {
        var consumed: Int64 = 0
        var endToEnd: Int64 = 0
        var lastRecordNanos: Int64 = 0
        var firstRecordNanos: Int64?
    }

    /// When the first record arrived (the group's join and the first fetch before it), and the last.
    public var firstRecordNanos: Int64? { counters.withLock { $0.firstRecordNanos } }
    public var lastRecordNanos: Int64 { counters.withLock { $0.lastRecordNanos } }
    /// Records of the end-to-end run received so far.
    public var endToEndReceived: Int64 { counters.withLock { $0.endToEnd } }

    public init(settings: ConsumeSettings, client: ClientConfiguration, lane: LaneRecorder, stop: StopSignal, endToEndRun: UInt32? = nil) throws {
        // An end-to-end run's consumers stop with its producers, not by a count or duration of their own.
        if endToEndRun == nil { try settings.validate() }
        self.settings = settings
        self.lane = lane
        self.stop = stop
        self.endToEndRun = endToEndRun
        consumers = (0..<settings.consumers).map { index in
            var own = client
            own.clientId = "gregor-bench-consumer-\(index)"
            var configuration = settings.consumer
            configuration.groupId = settings.group
            configuration.autoOffsetReset = settings.fromBeginning ? .earliest : .latest
            return KafkaConsumer(clientConfiguration: own, configuration: configuration)
        }
    }

    /// Assigns (or subscribes) every consumer and, when assigned, resolves their positions, so that a
    /// live (`--from latest`) run starts reading before its producers send. Returns how many
    /// records lie between the positions and the end offsets now (the backlog to read).
    @discardableResult
    public func prepare() async throws -> Int64 {
        let admin = KafkaAdmin(cluster: consumers[0].cluster)
        let partitions = try await topicPartitions(admin)
        if settings.group != nil {
            for consumer in consumers { try await consumer.subscribe(topics: [settings.topic]) }
        } else {
            for (index, consumer) in consumers.enumerated() {
                let share = partitions.enumerated().filter { $0.offset % consumers.count == index }.map(\.element)
                await consumer.assign(share)
                if settings.fromBeginning { try await consumer.seekToBeginning() } else { try await consumer.seekToEnd() }
                for tp in share { _ = try await consumer.position(tp) }
            }
        }
        guard settings.fromBeginning else { return 0 }
        let specs = partitions.reduce(into: [TopicPartition: OffsetSpec]()) { $0[$1] = .latest }
        let starts = partitions.reduce(into: [TopicPartition: OffsetSpec]()) { $0[$1] = .earliest }
        let ends = try await admin.listOffsets(specs)
        let begins = try await admin.listOffsets(starts)
        return partitions.reduce(0) { sum, tp in
            guard case .success(let end) = ends[tp], case .success(let begin) = begins[tp] else { return sum }
            return sum + max(end.offset - begin.offset, 0)
        }
    }

    private func topicPartitions(_ admin: KafkaAdmin) async throws -> [TopicPartition] {
        let topic = try await TopicWait.partitions(of: settings.topic, cluster: admin.cluster)
        return topic.partitions.map { TopicPartition(settings.topic, $0.partition) }.sorted()
    }

    /// Polls, on `clock`'s time, until `records` (over all consumers), the duration, `isDone`, the stop signal, or the
    /// idle timeout; then closes the consumers (a group member leaves its group).
    public func run(clock: BenchClock, records target: Int64?, isDone: @escaping @Sendable () -> Bool = { false }) async throws {
        let endNanos = settings.duration.map { (settings.warmup + $0).nanoseconds }
        do {
            try await stop.runLoops(consumers.count) { index in
                try await self.drive(self.consumers[index], clock: clock, target: target, endNanos: endNanos, isDone: isDone)
            }
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Closes the consumers (a group member leaves its group).
    public func close() async {
        for consumer in consumers { await consumer.close() }
    }

    private func reached(_ target: Int64?) -> Bool {
        guard let target else { return false }
        return counters.withLock { $0.consumed >= target }
    }

    private func drive(_ consumer: KafkaConsumer, clock: BenchClock, target: Int64?, endNanos: Int64?, isDone: @Sendable () -> Bool) async throws {
        var lastProgress = clock.elapsedNanos
        while !stop.isRaised, !reached(target), !isDone() {
            let now = clock.elapsedNanos
            if let endNanos, now >= endNanos { break }
            if now - lastProgress >= settings.idleTimeout.nanoseconds { break }
            let records: [ConsumerRecord]
            do {
                records = try await consumer.poll(timeout: .milliseconds(100))
            } catch let error as KafkaClientError {
                lane.recordError(error.message, nowNanos: clock.elapsedNanos)
                if error.code == .closed { throw BenchError("a consumer stopped: \(error.message)") }
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            guard !records.isEmpty else { continue }
            let done = clock.elapsedNanos
            lastProgress = done
            var endToEnd: Int64 = 0
            for record in records {
                let bytes = (record.value?.readableBytes ?? 0) + (record.key?.readableBytes ?? 0)
                if let run = endToEndRun, let value = record.value, let stamp = RecordStamp(reading: value), stamp.run == run {
                    endToEnd += 1
                    let now = clock.wallNanos(atElapsed: done)
                    let sent = stamp.intendedSendNanos - clock.startWallNanos
                    lane.record(bytes: bytes, latencyNanos: now - stamp.intendedSendNanos, startedNanos: sent, nowNanos: done)
                } else {
                    lane.record(bytes: bytes, latencyNanos: nil, startedNanos: done, nowNanos: done)
                }
            }
            counters.withLock { counters in
                counters.consumed += Int64(records.count)
                counters.endToEnd += endToEnd
                counters.lastRecordNanos = max(counters.lastRecordNanos, done)
                if counters.firstRecordNanos == nil { counters.firstRecordNanos = done }
            }
        }
    }
}
