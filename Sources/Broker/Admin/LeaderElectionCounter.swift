import Controller
import Synchronization

/// Counts leader elections for the metrics, as Kafka's controller does (`ControllerStats`,
/// `LeaderElectionRateAndTimeMs` and `UncleanLeaderElectionsPerSec`): every metadata image a broker
/// publishes is compared with the one before, and while this broker is the active controller each
/// partition that got a new leader counts once, as unclean when that leader was not in the ISR before.
final class LeaderElectionCounter: Sendable {
    private let metrics: BrokerMetrics
    private let previous = Mutex<MetadataImage?>(nil)
    private let isActiveController = Mutex<@Sendable () -> Bool>({ false })

    init(metrics: BrokerMetrics) { self.metrics = metrics }

    /// Where to learn whether this broker is the active controller (set once the metadata service exists).
    func activeController(from check: @escaping @Sendable () -> Bool) {
        isActiveController.withLock { $0 = check }
    }

    /// Compares `image` with the last one; the first image is only remembered.
    func observe(_ image: MetadataImage) {
        let before = previous.withLock { previous in
            defer { previous = image }
            return previous
        }
        guard let before, isActiveController.withLock({ $0 })() else { return }
        let (clean, unclean) = Self.elections(from: before, to: image)
        if clean + unclean > 0 { metrics.leaderElections.increment(by: clean + unclean) }
        if unclean > 0 { metrics.uncleanLeaderElections.increment(by: unclean) }
    }

    /// Partitions whose leader changed to a broker (not to none) between two images, and how many of
    /// those leaders were outside the earlier ISR. New partitions are not elections.
    static func elections(from before: MetadataImage, to after: MetadataImage) -> (clean: Int, unclean: Int) {
        var (clean, unclean) = (0, 0)
        for (name, topic) in after.topicsByName {
            guard let earlier = before.topicsByName[name], earlier.id == topic.id else { continue }
            for (index, partition) in topic.partitions where partition.leader >= 0 {
                guard let old = earlier.partitions[index], old.leader != partition.leader else { continue }
                if old.isr.contains(partition.leader) { clean += 1 } else { unclean += 1 }
            }
        }
        return (clean, unclean)
    }
}
