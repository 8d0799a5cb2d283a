/// The topic configs Gregor honours, with Kafka's defaults and the broker keys that set those defaults.
/// Keys outside this list are refused with INVALID_CONFIG rather than accepted and ignored.
public enum TopicConfigCatalog {
    public static let all: [ConfigDefinition] = [
        ConfigDefinition(
            "cleanup.policy", .list, default: "delete", synonyms: ["log.cleanup.policy"],
            doc: "What happens to old segments: delete them (compaction is not supported by Gregor yet).",
            check: ConfigDefinition.oneOf(["delete"], note: " (Gregor does not support compaction yet)")),
        ConfigDefinition(
            "compression.type", .string, default: "producer", synonyms: ["compression.type"],
            doc: "Keep batches compressed as the producer sent them (recompression is not supported by Gregor yet).",
            check: ConfigDefinition.oneOf(["producer"], note: " (Gregor stores batches as producers compressed them)")),
        ConfigDefinition(
            "retention.ms", .long, default: "604800000", synonyms: ["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
            doc: "Delete a segment once its newest record is older than this; -1 keeps data forever.",
            check: ConfigDefinition.atLeast(-1)),
        ConfigDefinition(
            "retention.bytes", .long, default: "-1", synonyms: ["log.retention.bytes"],
            doc: "Delete the oldest segments while a partition is larger than this; -1 means no limit.",
            check: ConfigDefinition.atLeast(-1)),
        ConfigDefinition(
            "segment.bytes", .int, default: "1073741824", synonyms: ["log.segment.bytes"],
            doc: "Roll a new segment file when the active one would grow beyond this size.",
            check: ConfigDefinition.atLeast(14)),
        ConfigDefinition(
            "segment.ms", .long, default: "604800000", synonyms: ["log.roll.ms", "log.roll.hours"],
            doc: "Roll a new segment when the active one is older than this, even if it is not full.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "segment.index.bytes", .int, default: "10485760", synonyms: ["log.index.size.max.bytes"],
            doc: "Maximum size of a segment's offset index; a full index rolls the segment.",
            check: ConfigDefinition.atLeast(4)),
        ConfigDefinition(
            "index.interval.bytes", .int, default: "4096", synonyms: ["log.index.interval.bytes"],
            doc: "Add an offset index entry every this many bytes of log.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "flush.messages", .long, default: "9223372036854775807", synonyms: ["log.flush.interval.messages"],
            doc: "fsync the log after this many messages; by default the OS decides, as in Kafka.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "flush.ms", .long, default: "9223372036854775807", synonyms: ["log.flush.interval.ms"],
            doc: "fsync the log when it has unflushed data this old.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "file.delete.delay.ms", .long, default: "60000", synonyms: ["log.segment.delete.delay.ms"],
            doc: "How long a deleted segment's files linger before removal.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "max.message.bytes", .int, default: "1048588", synonyms: ["message.max.bytes"],
            doc: "The largest record batch the partition accepts.", check: ConfigDefinition.atLeast(0)),
        ConfigDefinition(
            "message.timestamp.type", .string, default: "CreateTime", synonyms: ["log.message.timestamp.type"],
            doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's clock on append.",
            check: ConfigDefinition.oneOf(["CreateTime", "LogAppendTime"])),
        ConfigDefinition(
            "min.insync.replicas", .int, default: "1", synonyms: ["min.insync.replicas"],
            doc: "With acks=all, refuse writes (NOT_ENOUGH_REPLICAS) when fewer replicas than this are in sync.",
            check: ConfigDefinition.atLeast(1)),
        ConfigDefinition(
            "unclean.leader.election.enable", .boolean, default: "false", synonyms: ["unclean.leader.election.enable"],
            doc: "Whether a replica outside the ISR may become leader, at the cost of losing acknowledged data."),
    ]

    private static let byName: [String: ConfigDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func named(_ name: String) -> ConfigDefinition? { byName[name] }

    /// nil if the config may be set to `value` on a topic, else the reason.
    public static func validate(name: String, value: String?) -> String? {
        guard let definition = byName[name] else { return "Unknown topic config name: \(name)" }
        guard let value else { return nil }
        return definition.validate(value).map { $0.hasPrefix(name) ? $0 : "\(name) \($0)" }
    }
}
