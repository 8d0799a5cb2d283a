import KafkaClient

/// The checker run against a live topic: reads the run's records back and judges the history.
public enum Verification {
    /// What the topic's configuration promises for records produced with `acks` while at most
    /// `maxConcurrentFailures` brokers were down at once.
    public static func promise(
        topic: String, client: ClientConfiguration, acks: ProducerConfiguration.Acks, maxConcurrentFailures: Int
    ) async throws -> DurabilityPromise {
        let admin = KafkaAdmin(clientConfiguration: client)
        do {
            let durability = try await TopicDurability.describe(topic, admin: admin)
            await admin.close()
            return durability.promise(acks: acks, maxConcurrentFailures: maxConcurrentFailures)
        } catch {
            await admin.close()
            throw error
        }
    }

    public static func check(
        history: DeliveryHistory, run: UInt32, topic: String, client: ClientConfiguration, faults: [FaultEvent],
        promise: DurabilityPromise, progress: @escaping @Sendable (String) -> Void
    ) async throws -> (DurabilityReport, VerificationSummary) {
        var history = history
        var readBack = ReadBack(topic: topic, run: run, client: client)
        for acknowledgement in history.acknowledged {
            let end = acknowledgement.position.offset + 1
            readBack.acknowledgedEnds[acknowledgement.position.partition] = max(readBack.acknowledgedEnds[acknowledgement.position.partition] ?? 0, end)
        }
        let read = try await readBack.read(progress: progress)
        history.observed = read.observations
        if read.otherRuns > 0 || read.unstamped > 0 {
            progress("ignored \(read.otherRuns) record(s) of other bench runs and \(read.unstamped) record(s) without a bench stamp")
        }
        let report = DurabilityChecker.check(history, faults: faults)
        return (report, VerificationSummary(report, promise: promise))
    }

    /// The report's text and the verdict line.
    public static func lines(_ report: DurabilityReport, _ summary: VerificationSummary) -> [String] {
        var lines = report.text().split(separator: "\n").map(String.init)
        if summary.violated {
            lines.append("FAILED: \(summary.lost) acknowledged record(s) lost although the configuration promised none")
        } else if report.isClean {
            lines.append("verified: every acknowledged record was read back once, in order, where it was acknowledged")
        } else if !summary.promisedNoLoss, summary.lost > 0 {
            lines.append("\(summary.lost) acknowledged record(s) lost: this configuration does not promise otherwise (it takes acks=all, min.insync.replicas >= 2, no unclean election, and at most RF - min.insync.replicas brokers down)")
        } else {
            lines.append("no acknowledged record lost, but the log is not as sent (see above)")
        }
        return lines
    }
}
