import Logging
import ServiceLifecycle
import Synchronization

/// This broker's replication work in the broker process: a `ReplicaFetcher` for each broker that leads
/// partitions this broker follows, started and ended as leadership moves, and the leaders' ISR check
/// every half `replica.lag.time.max.ms` (Kafka's `isr-expiration` task), whose proposals go to the
/// controller.
struct ReplicationService: Service {
    let nodeId: Int32
    let replicas: ReplicaManager
    let metadata: MetadataService
    let isrChanges: IsrChangeSender
    let config: BrokerConfig
    let logger: Logger
    var faults: BrokerFaults? = nil

    func run() async throws {
        let (changes, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        replicas.onFollowersChanged { signal.yield() }
        defer {
            replicas.onFollowersChanged {}
            signal.finish()
        }
        let running = RunningFetchers()
        await withDiscardingTaskGroup { group in
            group.addTask { await shrinkIsrs() }
            signal.yield()
            for await _ in changes.cancelOnGracefulShutdown() {
                for leader in replicas.followedByLeader.keys where running.start(leader) {
                    let fetcher = ReplicaFetcher(
                        leaderId: leader, nodeId: nodeId, replicas: replicas, metadata: metadata, config: config, logger: logger,
                        faults: faults)
                    group.addTask {
                        await fetcher.run()
                        running.end(leader)
                        signal.yield()  // a partition may have started following this leader as the fetcher ended
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Proposes dropping lagging followers from the ISR of every partition this broker leads.
    private func shrinkIsrs() async {
        let interval = Duration.milliseconds(max(50, config.replicaLagTimeMaxMs / 2))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = WallClock.milliseconds()
            for partition in replicas.allPartitions {
                if let change = partition.maybeShrinkIsr(now: now) { isrChanges.submit(change, for: partition) }
            }
        }
    }
}

/// The leaders a fetcher runs for, so each gets one.
private final class RunningFetchers: Sendable {
    private let leaders = Mutex<Set<Int32>>([])

    /// True when no fetcher ran for `leader`, which now counts as running.
    func start(_ leader: Int32) -> Bool { leaders.withLock { $0.insert(leader).inserted } }

    func end(_ leader: Int32) { _ = leaders.withLock { $0.remove(leader) } }
}
