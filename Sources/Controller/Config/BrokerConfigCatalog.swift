/// The broker configs Gregor honours (server.properties keys), with Kafka's defaults. Read-only ones are
/// set at start (`--config`, `--set`); the others may also be changed dynamically through
/// IncrementalAlterConfigs on a broker resource, as in Kafka.
public enum BrokerConfigCatalog {
    public static let all: [ConfigDefinition] = [
        ConfigDefinition("node.id", .int, default: "-1", readOnly: true, doc: "This broker's id."),
        ConfigDefinition("listeners", .list, default: "PLAINTEXT://127.0.0.1:9092", readOnly: true, doc: "Where the broker listens."),
        ConfigDefinition("advertised.listeners", .list, default: nil, readOnly: true, doc: "Where clients are told to connect."),
        ConfigDefinition("log.dirs", .list, default: nil, readOnly: true, doc: "The data directory."),
        ConfigDefinition(
            "num.partitions", .int, default: "1", doc: "Partitions of an auto-created topic or one created without a count.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "default.replication.factor", .int, default: "1", doc: "Replication factor of topics created without one.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("auto.create.topics.enable", .boolean, default: "true", readOnly: true, doc: "Create a topic when Metadata asks for an unknown one."),
        ConfigDefinition("delete.topic.enable", .boolean, default: "true", readOnly: true, doc: "Whether DeleteTopics is allowed."),
        ConfigDefinition("log.cleanup.policy", .list, default: "delete", doc: "Default cleanup.policy.", check: ConfigDefinition.oneOf(["delete"])),
        ConfigDefinition("compression.type", .string, default: "producer", doc: "Default compression.type.", check: ConfigDefinition.oneOf(["producer"])),
        ConfigDefinition("log.retention.ms", .long, default: nil, doc: "Default retention.ms (overrides the minutes and hours forms).", check: ConfigDefinition.atLeast(-1)),
        ConfigDefinition("log.retention.minutes", .int, default: nil, doc: "Default retention in minutes."),
        ConfigDefinition("log.retention.hours", .int, default: "168", doc: "Default retention in hours."),
        ConfigDefinition("log.retention.bytes", .long, default: "-1", doc: "Default retention.bytes.", check: ConfigDefinition.atLeast(-1)),
        ConfigDefinition("log.segment.bytes", .int, default: "1073741824", doc: "Default segment.bytes.", check: ConfigDefinition.atLeast(14)),
        ConfigDefinition("log.roll.ms", .long, default: nil, doc: "Default segment.ms (overrides log.roll.hours).", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("log.roll.hours", .int, default: "168", doc: "Default segment age in hours."),
        ConfigDefinition("log.index.size.max.bytes", .int, default: "10485760", doc: "Default segment.index.bytes.", check: ConfigDefinition.atLeast(4)),
        ConfigDefinition("log.index.interval.bytes", .int, default: "4096", doc: "Default index.interval.bytes.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("log.flush.interval.messages", .long, default: "9223372036854775807", doc: "Default flush.messages (1 = fsync every append).", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("log.flush.interval.ms", .long, default: nil, doc: "Default flush.ms.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("log.segment.delete.delay.ms", .long, default: "60000", doc: "Default file.delete.delay.ms.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("log.retention.check.interval.ms", .long, default: "300000", readOnly: true, doc: "How often retention runs.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("log.message.timestamp.type", .string, default: "CreateTime", doc: "Default message.timestamp.type.", check: ConfigDefinition.oneOf(["CreateTime", "LogAppendTime"])),
        ConfigDefinition("message.max.bytes", .int, default: "1048588", doc: "Default max.message.bytes.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("min.insync.replicas", .int, default: "1", doc: "Default min.insync.replicas.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("unclean.leader.election.enable", .boolean, default: "false", doc: "Default unclean.leader.election.enable."),
        ConfigDefinition(
            "controller.quorum.voters", .list, default: "", readOnly: true,
            doc: "The metadata quorum's voters, id@host:port,... (empty: this broker alone). Every voter is also a broker.",
            check: ConfigDefinition.voterList),
        ConfigDefinition("controller.quorum.election.timeout.ms", .int, default: "1000", readOnly: true, doc: "How long a voter waits without a leader before it stands for election.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("controller.quorum.fetch.timeout.ms", .int, default: "2000", readOnly: true, doc: "How long a follower waits for a successful fetch before it stands for election.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("controller.quorum.request.timeout.ms", .int, default: "2000", readOnly: true, doc: "How long a quorum request waits for its answer.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "metadata.log.max.record.bytes.between.snapshots", .long, default: "20971520", readOnly: true,
            doc: "A broker snapshots the metadata image once this many bytes of metadata records were committed since its last snapshot.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "metadata.log.max.snapshot.interval.ms", .long, default: "3600000", readOnly: true,
            doc: "A broker snapshots the metadata image at least this often while records commit (0: only by size).",
            check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "metadata.log.segment.bytes", .int, default: "1073741824", readOnly: true,
            doc: "Segment size of __cluster_metadata-0; segments wholly covered by a snapshot are deleted.", check: ConfigDefinition.atLeast(1024)),
        ConfigDefinition("broker.session.timeout.ms", .int, default: "9000", readOnly: true, doc: "A broker without a heartbeat for this long is fenced.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "broker.heartbeat.interval.ms", .int, default: "500", readOnly: true,
            doc: "How often a broker heartbeats to the controller (Kafka: 2000).", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "broker.liveness.probe.enable", .boolean, default: "true", readOnly: true,
            doc: "Gregor only: a broker 1.5 heartbeat intervals late, or a quorum leader whose connection broke, is probed with a TCP connect; refused means the process is gone, so the broker is fenced (or an election starts) without waiting for a timeout."),
        ConfigDefinition("replica.lag.time.max.ms", .long, default: "30000", readOnly: true, doc: "A follower that has not caught up with the leader for this long leaves the ISR.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("replica.fetch.wait.max.ms", .int, default: "500", readOnly: true, doc: "How long a follower's fetch waits at the leader for new records.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("replica.fetch.max.bytes", .int, default: "1048576", readOnly: true, doc: "The bytes a follower asks for per partition in one fetch (a larger first batch still comes whole).", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("replica.fetch.response.max.bytes", .int, default: "10485760", readOnly: true, doc: "The bytes a follower asks for in one fetch, all partitions together.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("replica.fetch.backoff.ms", .int, default: "1000", readOnly: true, doc: "How long a follower waits after a failed fetch before it tries again.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("socket.request.max.bytes", .int, default: "104857600", readOnly: true, doc: "The largest request frame accepted.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "offsets.topic.num.partitions", .int, default: "8", readOnly: true,
            doc: "Partitions of __consumer_offsets (Kafka: 50); a group's coordinator is the leader of hash(group) % this.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "offsets.topic.replication.factor", .short, default: "3", readOnly: true,
            doc: "Replication factor of __consumer_offsets, capped at the number of brokers.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("offsets.topic.segment.bytes", .int, default: "104857600", readOnly: true, doc: "segment.bytes of __consumer_offsets.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("offsets.retention.minutes", .int, default: "10080", readOnly: true, doc: "How long the offsets of an empty group are kept.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("offsets.retention.check.interval.ms", .long, default: "600000", readOnly: true, doc: "How often expired offsets are removed.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "offsets.commit.timeout.ms", .int, default: "5000", readOnly: true,
            doc: "How long a group coordinator's write waits for the ISR before its clients are told to retry.", check: ConfigDefinition.atLeast(1)),
        ConfigDefinition("offset.metadata.max.bytes", .int, default: "4096", readOnly: true, doc: "The largest metadata string of a committed offset.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("group.min.session.timeout.ms", .int, default: "6000", readOnly: true, doc: "The shortest session timeout a member may ask for.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("group.max.session.timeout.ms", .int, default: "1800000", readOnly: true, doc: "The longest session timeout a member may ask for.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "group.initial.rebalance.delay.ms", .int, default: "3000", readOnly: true,
            doc: "How long a new group waits for more members before its first rebalance completes.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition("group.max.size", .int, default: "2147483647", readOnly: true, doc: "The most members a group may have.", check: ConfigDefinition.atLeast(1)),
    ]

    private static let byName: [String: ConfigDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func named(_ name: String) -> ConfigDefinition? { byName[name] }

    /// nil if the config may be set dynamically to `value`, else the reason.
    public static func validateDynamic(name: String, value: String?) -> String? {
        guard let definition = byName[name] else { return "Unknown broker config name: \(name)" }
        if definition.isReadOnly { return "\(name) cannot be changed while the broker runs" }
        guard let value else { return nil }
        return definition.validate(value).map { $0.hasPrefix(name) ? $0 : "\(name) \($0)" }
    }
}
