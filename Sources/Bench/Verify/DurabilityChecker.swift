/// Checks a bench run's history the way Jepsen checks a Kafka history: every acknowledged record must
/// be readable (else **lost**), read once (else **duplicated**), at the offset it was acknowledged at
/// (else **moved**), after the same producer's earlier records in its partition (else **reordered**),
/// and nothing may be read that was never sent (**unexpected**). Periods without any acknowledgement are
/// reported as unavailability windows, with the faults that began in or just before them.
public enum DurabilityChecker {
    /// The report for `history`; `faults` are the run's fault events, `minimumGapMs` the shortest
    /// silence counted as unavailability.
    public static func check(_ history: DeliveryHistory, faults: [FaultEvent] = [], minimumGapMs: Int64 = 1000) -> DurabilityReport {
        var report = DurabilityReport()
        report.sent = Int(history.sent.values.reduce(0, +))
        report.acknowledged = history.acknowledged.count
        report.failed = history.failed.count
        report.observed = history.observed.count

        var readAt: [RecordId: [LogPosition]] = [:]
        for observation in history.observed {
            guard history.wasSent(observation.id) else {
                report.unexpected.append(observation)
                continue
            }
            readAt[observation.id, default: []].append(observation.position)
        }
        for (id, positions) in readAt where positions.count > 1 {
            report.duplicated.append(.init(id: id, positions: positions.sorted()))
        }
        report.duplicated.sort { $0.id < $1.id }

        for acknowledgement in history.acknowledged {
            guard let positions = readAt[acknowledgement.id] else {
                report.lost.append(acknowledgement)
                continue
            }
            // acks=0 acknowledges without an offset (-1): such a record can be lost, never moved.
            if acknowledgement.position.offset >= 0, !positions.contains(acknowledgement.position) {
                report.moved.append(.init(acknowledgement: acknowledgement, readAt: positions.sorted()))
            }
        }
        report.lost.sort { $0.id < $1.id }
        report.moved.sort { $0.acknowledgement.id < $1.acknowledgement.id }

        report.reordered = reorderings(history.observed.filter { history.wasSent($0.id) })
        report.unavailability = UnavailabilityWindows.find(
            acknowledgementTimes: history.acknowledged.map(\.timeMs), minimumGapMs: minimumGapMs, faults: faults)
        return report
    }

    /// Within each partition, in offset order, a producer's sequence numbers must grow: a record read
    /// after a later one of the same producer was reordered. Duplicates are reported apart: only the
    /// first copy of a record (its lowest position) is placed.
    static func reorderings(_ observed: [DeliveryHistory.Observation]) -> [DurabilityReport.Reordering] {
        var found: [DurabilityReport.Reordering] = []
        var first: [RecordId: LogPosition] = [:]
        for observation in observed where first[observation.id].map({ observation.position < $0 }) ?? true {
            first[observation.id] = observation.position
        }
        let byPartition = Dictionary(grouping: observed.filter { first[$0.id] == $0.position }, by: \.position.partition)
        for partition in byPartition.keys.sorted() {
            var highest: [Int32: DeliveryHistory.Observation] = [:]
            for observation in byPartition[partition]!.sorted(by: { $0.position < $1.position }) {
                let producer = observation.id.producer
                if let previous = highest[producer], observation.id.sequence < previous.id.sequence {
                    found.append(.init(record: observation, after: previous))
                } else {
                    highest[producer] = observation
                }
            }
        }
        return found
    }
}
