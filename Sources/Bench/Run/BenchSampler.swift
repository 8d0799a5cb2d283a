import Synchronization

/// Takes each lane's interval once a second, keeps the series for the report, and hands each
/// second to the live progress line.
final class BenchSampler: Sendable {
    private let produced: LaneRecorder?
    private let consumed: LaneRecorder?
    private let clock: BenchClock
    private let series = Mutex<[BenchReport.Second]>([])

    init(produced: LaneRecorder?, consumed: LaneRecorder?, clock: BenchClock) {
        self.produced = produced
        self.consumed = consumed
        self.clock = clock
    }

    /// Samples each second until cancelled; `progress` gets the live line.
    func run(progress: @Sendable (String) -> Void) async {
        var next = 1
        while !Task.isCancelled {
            do {
                try await clock.sleep(untilElapsed: Int64(next) * 1_000_000_000)
            } catch {
                return
            }
            progress(SummaryText.progress(sample(second: next)))
            next += 1
        }
    }

    /// The last, partial second, taken when the run ends (left out when nothing happened in it).
    func finish() {
        let second = Int((clock.elapsedNanos + 999_999_999) / 1_000_000_000)
        guard series.withLock({ $0.last?.second ?? 0 }) < second else { return }
        let entry = BenchReport.Second(
            second: second, produced: produced?.takeInterval(second: second), consumed: consumed?.takeInterval(second: second))
        let empty = [entry.produced, entry.consumed].allSatisfy { ($0?.records ?? 0) == 0 && ($0?.errors ?? 0) == 0 }
        if !empty || series.withLock({ $0.isEmpty }) { series.withLock { $0.append(entry) } }
    }

    private func sample(second: Int) -> BenchReport.Second {
        let entry = BenchReport.Second(
            second: second, produced: produced?.takeInterval(second: second), consumed: consumed?.takeInterval(second: second))
        series.withLock { $0.append(entry) }
        return entry
    }

    var seconds: [BenchReport.Second] { series.withLock { $0 } }
}
