import Foundation
import KafkaClient

/// One bench run from start to verdict: sets up the topic, runs the workload with a live line each
/// second, then (with `verify`) reads the topic back and checks every acknowledged record, and
/// returns the report with the lines to print.
public struct BenchRun: Sendable {
    /// What the run does.
    public enum Workload: Sendable {
        case produce(ProduceSettings)
        case consume(ConsumeSettings)
        /// Producers at a fixed rate and consumers together; latency measured at the consumer.
        case endToEnd(ProduceSettings, ConsumeSettings)

        var name: String {
            switch self {
            case .produce: "produce"
            case .consume: "consume"
            case .endToEnd: "e2e"
            }
        }

        var topic: String {
            switch self {
            case .produce(let settings), .endToEnd(let settings, _): settings.topic
            case .consume(let settings): settings.topic
            }
        }
    }

    /// The run's report and, when verified, the checker's full findings.
    public struct Outcome: Sendable {
        public var report: BenchReport
        public var durability: DurabilityReport?
        /// The closing lines: Kafka's tools' summaries, the percentiles, the verification.
        public var lines: [String]
    }

    public var workload: Workload
    public var client: ClientConfiguration
    public var bootstrap: String
    /// Creates the topic when it is missing; nil uses the topic as it is (it must exist).
    public var topicSetup: TopicSetup?
    /// Read everything back at the end and check it (needs records of at least 28 bytes).
    public var verify = false
    /// Where to keep the delivery history for a later `gregor bench verify`.
    public var historyPath: String?
    /// How long an e2e run waits, after its producers finish, for the consumers to receive the rest.
    public var drainTimeout: Duration = .seconds(30)
    /// The command line's settings, kept in the report.
    public var settingsText: [String: String] = [:]
    /// Faults to inject into a local cluster while the workload runs.
    public var faults: FaultRunner?

    public init(workload: Workload, client: ClientConfiguration, bootstrap: String) {
        self.workload = workload
        self.client = client
        self.bootstrap = bootstrap
    }

    private var produceSettings: ProduceSettings? {
        switch workload {
        case .produce(let settings), .endToEnd(let settings, _): settings
        case .consume: nil
        }
    }

    public func run(stop: StopSignal, progress: @escaping @Sendable (String) -> Void) async throws -> Outcome {
        let keepsHistory = verify || historyPath != nil
        if keepsHistory {
            guard let produce = produceSettings else { throw BenchError("--verify and --history need a bench that produces (produce or e2e)") }
            guard produce.stamps else {
                throw BenchError("--verify and --history need records of at least \(RecordStamp.size) bytes (the stamp that identifies each record)")
            }
        }
        try faults?.check()
        let admin = KafkaAdmin(clientConfiguration: client)
        defer { Task { await admin.close() } }
        if let topicSetup {
            progress("\(workload.topic): " + (try await topicSetup.ensure(admin)).description)
        }
        let run = UInt32.random(in: 1...UInt32.max)
        let log = keepsHistory ? DeliveryLog() : nil
        var report = BenchReport(
            kind: workload.name, topic: workload.topic, bootstrap: bootstrap, startedAt: ISO8601DateFormatter().string(from: Date()),
            settings: settingsText)
        var lines: [String] = []

        switch workload {
        case .produce(let settings):
            let lane = LaneRecorder(warmupNanos: settings.warmup.nanoseconds)
            let fleet = try ProducerFleet(settings: settings, client: client, run: run, lane: lane, log: log, stop: stop)
            do { try await fleet.prepare() } catch {
                await fleet.close()
                throw error
            }
            let clock = BenchClock()
            let sampler = BenchSampler(produced: lane, consumed: nil, clock: clock)
            try await sampled(sampler, clock: clock, progress: progress) { try await fleet.run(clock: clock) }
            report.series = sampler.seconds
            let totals = lane.totals()
            report.produced = totals
            lines.append(SummaryText.producer(totals))
            if let latency = totals.latency { lines.append(SummaryText.percentiles("produce", latency)) }
            lines += errorLines(totals)

        case .consume(let settings):
            let lane = LaneRecorder(warmupNanos: settings.warmup.nanoseconds)
            let fleet = try ConsumerFleet(settings: settings, client: client, lane: lane, stop: stop)
            let backlog: Int64
            do { backlog = try await fleet.prepare() } catch {
                await fleet.close()
                throw error
            }
            let target = settings.records ?? (settings.duration == nil ? backlog : nil)
            if let target { progress("reading \(target) record(s)") }
            let clock = BenchClock()
            let sampler = BenchSampler(produced: nil, consumed: lane, clock: clock)
            try await sampled(sampler, clock: clock, progress: progress) { try await fleet.run(clock: clock, records: target) }
            report.series = sampler.seconds
            let totals = lane.totals()
            report.consumed = totals
            lines.append(SummaryText.consumer(totals, startWallNanos: clock.startWallNanos, firstRecordNanos: fleet.firstRecordNanos, endNanos: fleet.lastRecordNanos))
            lines += errorLines(totals)

        case .endToEnd(let produce, let consume):
            let produced = LaneRecorder(warmupNanos: produce.warmup.nanoseconds)
            let consumed = LaneRecorder(warmupNanos: produce.warmup.nanoseconds)
            let consumers = try ConsumerFleet(settings: consume, client: client, lane: consumed, stop: stop, endToEndRun: run)
            let producers = try ProducerFleet(settings: produce, client: client, run: run, lane: produced, log: log, stop: stop)
            do {
                try await consumers.prepare()
                try await producers.prepare()
            } catch {
                await producers.close()
                await consumers.close()
                throw error
            }
            let clock = BenchClock()
            let sampler = BenchSampler(produced: produced, consumed: consumed, clock: clock)
            let producersDone = Milestone()
            let drain = drainTimeout.nanoseconds
            try await sampled(sampler, clock: clock, progress: progress) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { producersDone.mark(at: clock.elapsedNanos) }
                        try await producers.run(clock: clock)
                    }
                    group.addTask {
                        try await consumers.run(clock: clock, records: nil) {
                            guard let done = producersDone.reachedAt else { return false }
                            return consumers.endToEndReceived >= produced.allRecords || clock.elapsedNanos - done > drain
                        }
                    }
                    try await group.waitForAll()
                }
            }
            report.series = sampler.seconds
            report.produced = produced.totals()
            let totals = consumed.totals()
            report.consumed = totals
            if let latency = totals.latency {
                lines.append(SummaryText.endToEnd(latency))
                lines.append(SummaryText.percentiles("end-to-end", latency))
            } else {
                lines.append("no record of this run reached a consumer")
            }
            if let latency = report.produced?.latency { lines.append(SummaryText.percentiles("produce (acknowledgement)", latency)) }
            let missing = produced.allRecords - consumers.endToEndReceived
            if missing > 0 { lines.append("\(missing) acknowledged record(s) did not reach a consumer within \(drainTimeout) of the last send") }
            lines += errorLines(report.produced!) + errorLines(totals)
        }

        report.faults = faults?.events ?? []
        if let log, let produce = produceSettings {
            let history = log.snapshot
            if let historyPath {
                try HistoryFile(run: run, topic: produce.topic, history: history, faults: report.faults).write(to: historyPath)
                lines.append("delivery history written to \(historyPath) (check it later with: gregor bench verify --history \(historyPath))")
            }
            if verify {
                let durability = try await TopicDurability.describe(produce.topic, admin: admin)
                let promise = durability.promise(acks: produce.producer.acks, maxConcurrentFailures: faults?.maxConcurrentFailures ?? 0)
                let (checked, verdict) = try await Verification.check(
                    history: history, run: run, topic: produce.topic, client: client, faults: report.faults, promise: promise, progress: progress)
                report.verification = verdict
                lines += Verification.lines(checked, verdict)
                return Outcome(report: report, durability: checked, lines: lines)
            }
        }
        return Outcome(report: report, durability: nil, lines: lines)
    }

    /// Runs `body` with the sampler printing a line each second and the fault schedule running on
    /// the same clock; takes the last second after, and stops what is left of the schedule.
    private func sampled(
        _ sampler: BenchSampler, clock: BenchClock, progress: @escaping @Sendable (String) -> Void, _ body: () async throws -> Void
    ) async throws {
        let sampling = Task { await sampler.run(progress: progress) }
        let injecting = faults.map { faults in Task { await faults.run(clock: clock, progress: progress) } }
        defer { sampling.cancel() }
        do {
            try await body()
        } catch {
            injecting?.cancel()
            await injecting?.value
            sampler.finish()
            throw error
        }
        injecting?.cancel()
        await injecting?.value
        sampler.finish()
    }

    private func errorLines(_ totals: LaneTotals) -> [String] {
        guard totals.errors > 0 else { return [] }
        return ["\(totals.errors) error(s); the first: " + totals.firstErrors.joined(separator: "; ")]
    }
}
