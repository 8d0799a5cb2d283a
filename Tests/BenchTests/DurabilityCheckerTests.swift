import Bench
import Testing

/// The durability checker on crafted histories: a clean run is clean, and each kind of violation put
/// into a history is found, exactly, and no other.
@Suite struct DurabilityCheckerTests {
    typealias Ack = DeliveryHistory.Acknowledgement
    typealias Seen = DeliveryHistory.Observation

    func id(_ producer: Int32, _ sequence: Int64) -> RecordId { RecordId(producer: producer, sequence: sequence) }
    func at(_ partition: Int32, _ offset: Int64) -> LogPosition { LogPosition(partition: partition, offset: offset) }

    /// Two producers, ten records each, alternating into partition 0 and 1, all acknowledged a few
    /// milliseconds apart and all read back where they were acknowledged.
    func cleanHistory() -> DeliveryHistory {
        var history = DeliveryHistory()
        history.sent = [0: 10, 1: 10]
        var next: [Int32: Int64] = [0: 0, 1: 0]
        var time: Int64 = 0
        for sequence in 0..<Int64(10) {
            for producer: Int32 in [0, 1] {
                let partition = Int32(sequence % 2)
                let position = at(partition, next[partition]!)
                next[partition]! += 1
                time += 5
                history.acknowledged.append(Ack(id: id(producer, sequence), position: position, timeMs: time))
                history.observed.append(Seen(position: position, id: id(producer, sequence)))
            }
        }
        return history
    }

    @Test func aCleanHistoryIsClean() {
        let report = DurabilityChecker.check(cleanHistory())
        #expect(report.isClean)
        #expect((report.sent, report.acknowledged, report.observed) == (20, 20, 20))
        #expect(report.unavailability.isEmpty)
        #expect(report.text().contains("lost 0, duplicated 0, moved 0, reordered 0, unexpected 0"))
    }

    @Test func eachViolationIsFoundAndNothingElse() {
        var history = cleanHistory()
        // Lost: producer 0's record 3 (partition 1) is never read.
        let lost = history.acknowledged.first { $0.id == id(0, 3) }!
        history.observed.removeAll { $0.id == id(0, 3) }
        // Duplicated: producer 1's record 4 is read a second time, at the end of partition 0.
        history.observed.append(Seen(position: at(0, 100), id: id(1, 4)))
        // Unexpected: a record no producer of this run sent.
        history.observed.append(Seen(position: at(1, 100), id: id(7, 0)))
        history.observed.append(Seen(position: at(1, 101), id: id(0, 99)))
        // A failed send that was written after all is neither lost nor unexpected.
        history.sent[0] = 11
        history.failed.append(id(0, 10))
        history.observed.append(Seen(position: at(1, 102), id: id(0, 10)))

        let report = DurabilityChecker.check(history)
        #expect(report.lost == [lost])
        #expect(report.duplicated.map(\.id) == [id(1, 4)])
        #expect(report.duplicated.first?.positions == [at(0, 5), at(0, 100)])
        #expect(report.unexpected.map(\.id) == [id(7, 0), id(0, 99)])
        // The duplicate read after later records of producer 1 is a duplicate, not a reordering.
        #expect(report.reordered.isEmpty)
        #expect(report.moved.isEmpty)
        #expect(!report.isClean)
    }

    @Test func reorderedAndMovedRecordsAreFound() {
        var history = cleanHistory()
        // In partition 0, producer 0's records 2 and 4 (offsets 2 and 4) swap places in the log.
        let two = history.observed.firstIndex { $0.id == id(0, 2) }!
        let four = history.observed.firstIndex { $0.id == id(0, 4) }!
        history.observed[two].id = id(0, 4)
        history.observed[four].id = id(0, 2)

        let report = DurabilityChecker.check(history)
        #expect(report.reordered.count == 1)
        #expect(report.reordered.first?.record.id == id(0, 2))
        #expect(report.reordered.first?.after.id == id(0, 4))
        #expect(report.moved.map(\.acknowledgement.id) == [id(0, 2), id(0, 4)])
        #expect(report.moved.first?.readAt == [at(0, 4)])
        #expect(report.lost.isEmpty && report.duplicated.isEmpty && report.unexpected.isEmpty)
    }

    @Test func silencesAreUnavailabilityWindowsAlignedWithTheFaults() {
        var history = cleanHistory()
        // Nothing acknowledged for 2.5 s after the tenth acknowledgement (at 50 ms).
        for index in history.acknowledged.indices.dropFirst(10) { history.acknowledged[index].timeMs += 2500 }
        let faults = [FaultEvent(timeMs: 52, action: "kill 2"), FaultEvent(timeMs: 5000, action: "restart 2"), FaultEvent(timeMs: 10, action: "start")]
        let report = DurabilityChecker.check(history, faults: faults, minimumGapMs: 1000)
        #expect(report.unavailability.count == 1)
        let window = report.unavailability[0]
        #expect((window.startMs, window.endMs, window.durationMs) == (50, 2555, 2505))
        #expect(window.faults.map(\.action) == ["start", "kill 2"])
        #expect(report.text().contains("unavailable from 50 ms to 2555 ms: 2505 ms without an acknowledgement (after start at 10 ms; kill 2 at 52 ms)"))
        #expect(report.isClean)
    }

    @Test func lossFailsTheRunOnlyUnderAConfigurationThatPromisesNone() {
        var history = cleanHistory()
        history.observed.removeLast()
        let report = DurabilityChecker.check(history)
        let safe = DurabilityPromise(acks: -1, replicationFactor: 3, minInsyncReplicas: 2, uncleanLeaderElection: false, maxConcurrentFailures: 1)
        #expect(safe.promisesNoLoss)
        #expect(report.violates(safe))
        var weaker = safe
        weaker.acks = 1
        #expect(!report.violates(weaker))
        weaker = safe
        weaker.maxConcurrentFailures = 2
        #expect(!weaker.promisesNoLoss)
        weaker = safe
        weaker.minInsyncReplicas = 1
        #expect(!weaker.promisesNoLoss)
        weaker = safe
        weaker.uncleanLeaderElection = true
        #expect(!weaker.promisesNoLoss)
        #expect(!DurabilityChecker.check(cleanHistory()).violates(safe))
    }
}

extension DurabilityCheckerTests {
    /// acks=0 acknowledges without an offset: a record read anywhere is fine, one never read is lost.
    @Test func acksZeroAcknowledgementsHaveNoOffsetToMoveFrom() {
        var history = DeliveryHistory()
        history.sent = [0: 2]
        history.acknowledged = [Ack(id: id(0, 0), position: at(0, -1), timeMs: 1), Ack(id: id(0, 1), position: at(0, -1), timeMs: 2)]
        history.observed = [Seen(position: at(0, 7), id: id(0, 0))]
        let report = DurabilityChecker.check(history)
        #expect(report.moved.isEmpty)
        #expect(report.lost.map(\.id) == [id(0, 1)])
    }
}
