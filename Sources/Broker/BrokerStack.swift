import Controller
import KafkaProtocol
import LogStorage
import Logging
import SystemPackage

/// The broker's parts wired together over a file system, without the network: storage, the metadata
/// quorum and controller, the partitions and the request router. `GregorBroker` runs it behind a
/// listener; tests drive its router directly over an in-memory file system.
struct BrokerStack: Sendable {
    let config: BrokerConfig
    let logManager: LogManager
    let metadata: MetadataService
    let replicas: ReplicaManager
    let groups: GroupCoordinatorService
    let context: BrokerContext
    let router: RequestRouter

    /// Opens (formatting when new) the data directory, recovers the logs, opens the metadata quorum and
    /// builds the router. With `startMetadata` (a broker that is its quorum's only voter, as in tests)
    /// it also replays the metadata log and registers this broker; otherwise the caller starts the
    /// metadata service once the listener answers the other voters.
    static func open(
        config: BrokerConfig, fileSystem: any LogFileSystem, logger: Logger, startMetadata: Bool = true, faults: BrokerFaults? = nil
    ) async throws -> BrokerStack {
        try config.validate()
        let directory = FilePath(config.dataDirectory)
        let meta = try MetaProperties.loadOrFormat(
            directory: directory, nodeId: config.nodeId, fileSystem: fileSystem, newClusterId: try config.newClusterId, newId: { KafkaUUID.random().base64 })
        let (logManager, report) = try LogManager.open(dataDirectory: directory, fileSystem: fileSystem, now: WallClock.milliseconds())
        log(report, logger)
        let replicas = ReplicaManager(
            nodeId: config.nodeId, logManager: logManager, replicaLagTimeMaxMs: config.replicaLagTimeMaxMs, logger: logger,
            clock: WallClock.milliseconds)
        let metrics = BrokerMetrics()
        let elections = LeaderElectionCounter(metrics: metrics)
        let groups = GroupCoordinatorService(config: config, replicas: replicas, logger: logger, metrics: metrics)
        let metadata = try MetadataService(
            directory: directory, clusterId: meta.clusterId, config: config, fileSystem: fileSystem,
            hadCleanShutdown: report.hadCleanShutdown,
            publish: { image in
                replicas.apply(image, configs: ConfigResolver(nodeId: config.nodeId, staticBrokerConfigs: config.staticConfigs, image: image))
                groups.apply(image, now: WallClock.milliseconds)
                elections.observe(image)
            },
            clock: WallClock.milliseconds, logger: logger, faults: faults)
        if startMetadata { try await metadata.start(host: config.advertisedHost, port: Int32(config.advertisedPort)) }
        let isrChanges = IsrChangeSender(
            metadata: metadata, nodeId: config.nodeId, backoffMs: config.replicaFetchBackoffMs, clock: WallClock.milliseconds, logger: logger,
            metrics: metrics)
        let nodeId = config.nodeId
        metrics.readState { [replicas, metadata] in
            var state = BrokerMetrics.BrokerState()
            for partition in replicas.allPartitions {
                state.partitions += 1
                guard partition.isLeader else { continue }
                state.leaders += 1
                if partition.isUnderReplicated { state.underReplicatedPartitions += 1 }
                state.producePurgatorySize += partition.acknowledgements.count
            }
            state.activeController = metadata.controllerId.id == nodeId
            if state.activeController {
                state.offlinePartitions = metadata.cache.image.topicsByName.values.reduce(0) { count, topic in
                    count + topic.partitions.values.filter { $0.leader < 0 }.count
                }
            }
            return state
        }
        elections.activeController { [metadata] in metadata.controllerId.id == nodeId }
        let context = BrokerContext(
            config: config, metadata: metadata.cache, controller: metadata, replicas: replicas, groups: groups,
            alterPartitions: isrChanges, metrics: metrics, clock: WallClock.milliseconds, logger: logger)
        return BrokerStack(
            config: config, logManager: logManager, metadata: metadata, replicas: replicas, groups: groups, context: context,
            router: router(context, logger: logger, faults: faults))
    }

    /// Closes the metadata log, then writes checkpoints and the clean-shutdown marker.
    func close() async throws {
        try await metadata.close()
        try logManager.close(now: WallClock.milliseconds())
    }

    /// Every API Gregor serves, one handler each; ApiVersions is built from the others.
    static func router(_ broker: BrokerContext, logger: Logger, faults: BrokerFaults? = nil) -> RequestRouter {
        var router = RequestRouter(logger: logger, metrics: broker.metrics, faults: faults)
        router.register(ProduceHandler(broker: broker))
        router.register(FetchHandler(broker: broker))
        router.register(ListOffsetsHandler(broker: broker))
        router.register(MetadataHandler(broker: broker))
        router.register(CreateTopicsHandler(broker: broker))
        router.register(DeleteTopicsHandler(broker: broker))
        router.register(InitProducerIdHandler(broker: broker))
        router.register(DescribeConfigsHandler(broker: broker))
        router.register(AlterConfigsHandler(broker: broker))
        router.register(CreatePartitionsHandler(broker: broker))
        router.register(IncrementalAlterConfigsHandler(broker: broker))
        router.register(DescribeClusterHandler(broker: broker))
        router.register(DeleteRecordsHandler(broker: broker))
        router.register(FindCoordinatorHandler(broker: broker))
        router.register(JoinGroupHandler(broker: broker))
        router.register(SyncGroupHandler(broker: broker))
        router.register(HeartbeatHandler(broker: broker))
        router.register(LeaveGroupHandler(broker: broker))
        router.register(OffsetCommitHandler(broker: broker))
        router.register(OffsetFetchHandler(broker: broker))
        router.register(DescribeGroupsHandler(broker: broker))
        router.register(ListGroupsHandler(broker: broker))
        router.register(DeleteGroupsHandler(broker: broker))
        router.register(OffsetDeleteHandler(broker: broker))
        router.register(VoteHandler(broker: broker))
        router.register(FetchSnapshotHandler(broker: broker))
        router.register(BeginQuorumEpochHandler(broker: broker))
        router.register(EndQuorumEpochHandler(broker: broker))
        router.register(DescribeQuorumHandler(broker: broker))
        router.register(BrokerRegistrationHandler(broker: broker))
        router.register(AlterPartitionHandler(broker: broker))
        router.register(BrokerHeartbeatHandler(broker: broker))
        router.register(ElectLeadersHandler(broker: broker))
        router.register(DescribeLogDirsHandler(broker: broker))
        let own = ApiVersionsResponse.ApiVersion(
            apiKey: ApiKey.apiVersions.rawValue, minVersion: ApiVersionsHandler.versions.lowerBound,
            maxVersion: ApiVersionsHandler.versions.upperBound)
        router.register(ApiVersionsHandler(apiKeys: (router.apiVersionsList() + [own]).sorted { $0.apiKey < $1.apiKey }))
        return router
    }

    private static func log(_ report: LogManager.OpenReport, _ logger: Logger) {
        for warning in report.warnings { logger.warning("\(warning)") }
        for partition in report.partitions where partition.repairedAnything {
            logger.warning(
                "recovered \(partition.topicPartition)",
                metadata: [
                    "truncations": "\(partition.truncations.map { "\($0.segmentBaseOffset): \($0.truncatedBytes) bytes (\($0.reason))" })",
                    "deletedSegments": "\(partition.deletedSegments)", "logEndOffset": "\(partition.logEndOffset)",
                ])
        }
        logger.info(
            "opened data directory",
            metadata: ["partitions": "\(report.partitions.count)", "cleanShutdown": "\(report.hadCleanShutdown)"])
    }
}
