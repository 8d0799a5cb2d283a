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
        do {
            let outcome = try await run(admin: admin, keepsHistory: keepsHistory, stop: stop, progress: progress)
            await admin.close()
            return outcome
        } catch {
            await admin.close()
            throw error
        }
    }

    private func run(
        admin: KafkaAdmin, keepsHistory: Bool, stop: StopSignal, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        if let topicSetup {
            progress("\(workload.topic): " + (try await topicSetup.ensure(admin)).description)
        }
        // What the topic promises is read before the faults, not from brokers that just restarted.
        let durability = verify ? try await TopicDurability.describe(workload.topic, admin: admin) : nil
        let run = UInt32.random(in: 1...UInt32.max)
        let log = keepsHistory ? DeliveryLog() : nil
        var report = BenchReport(
            kind: workload.name, topic: workload.topic, bootstrap: bootstrap, startedAt: ISO8601DateFormatter().string(from: Date()),
            settings: settingsText)

        let measured: Measured
        switch workload {
        case .produce(let settings): measured = try await runProduce(settings, run: run, log: log, stop: stop, progress: progress)
        case .consume(let settings): measured = try await runConsume(settings, stop: stop, progress: progress)
        case .endToEnd(let produce, let consume):
            measured = try await runEndToEnd(produce, consume, run: run, log: log, stop: stop, progress: progress)
        }
        report.series = measured.series
        report.produced = measured.produced
        report.consumed = measured.consumed
        var lines = measured.lines

        report.faults = faults?.events ?? []
        if let log, let produce = produceSettings {
            let history = log.snapshot
            if let historyPath {
                try HistoryFile(run: run, topic: produce.topic, history: history, faults: report.faults).write(to: historyPath)
                lines.append("delivery history written to \(historyPath) (check it later with: gregor bench verify --history \(historyPath))")
            }
            if let durability {
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
}
