import KafkaClient

/// The three workloads of a bench run, each measured on its own clock with a sampler and the fault
/// schedule beside it.
extension BenchRun {
    /// What a workload measured: the series, each lane's totals, and its closing lines.
    struct Measured {
        var series: [BenchReport.Second]
        var produced: LaneTotals?
        var consumed: LaneTotals?
        var lines: [String]
    }

    func runProduce(
        _ settings: ProduceSettings, run: UInt32, log: DeliveryLog?, stop: StopSignal, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Measured {
        let lane = LaneRecorder(warmupNanos: settings.warmup.nanoseconds)
        let fleet = try ProducerFleet(settings: settings, client: client, run: run, lane: lane, log: log, stop: stop)
        do { try await fleet.prepare() } catch {
            await fleet.close()
            throw error
        }
        let clock = BenchClock()
        let sampler = BenchSampler(produced: lane, consumed: nil, clock: clock)
        try await sampled(sampler, clock: clock, progress: progress) { try await fleet.run(clock: clock) }
        let totals = lane.totals()
        var lines = [SummaryText.producer(totals)]
        if let latency = totals.latency { lines.append(SummaryText.percentiles("produce", latency)) }
        return Measured(series: sampler.seconds, produced: totals, consumed: nil, lines: lines + errorLines(totals))
    }

    func runConsume(_ settings: ConsumeSettings, stop: StopSignal, progress: @escaping @Sendable (String) -> Void) async throws -> Measured {
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
        let totals = lane.totals()
        let summary = SummaryText.consumer(totals, startWallNanos: clock.startWallNanos, firstRecordNanos: fleet.firstRecordNanos, endNanos: fleet.lastRecordNanos)
        return Measured(series: sampler.seconds, produced: nil, consumed: totals, lines: [summary] + errorLines(totals))
    }

    /// Producers at a fixed rate and consumers together. The consumers stop once they have received
    /// every acknowledged record of the run, or `drainTimeout` after the producers finished.
    func runEndToEnd(
        _ produce: ProduceSettings, _ consume: ConsumeSettings, run: UInt32, log: DeliveryLog?, stop: StopSignal,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> Measured {
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
        let producedTotals = produced.totals()
        let totals = consumed.totals()
        var lines: [String] = []
        if let latency = totals.latency {
            lines.append(SummaryText.endToEnd(latency))
            lines.append(SummaryText.percentiles("end-to-end", latency))
        } else {
            lines.append("no record of this run reached a consumer")
        }
        if let latency = producedTotals.latency { lines.append(SummaryText.percentiles("produce (acknowledgement)", latency)) }
        let missing = produced.allRecords - consumers.endToEndReceived
        if missing > 0 { lines.append("\(missing) acknowledged record(s) did not reach a consumer within \(drainTimeout.benchText) of the last send") }
        lines += errorLines(producedTotals) + errorLines(totals)
        return Measured(series: sampler.seconds, produced: producedTotals, consumed: totals, lines: lines)
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
