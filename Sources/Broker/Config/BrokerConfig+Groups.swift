import Controller
import GroupCoordinator

/// The group and offsets configs, typed, from the static properties (they are read-only in Kafka too).
extension BrokerConfig {
    /// A numeric static config: the property, else the catalog's default.
    func number(_ key: String) -> Int64 {
        Int64(properties[key] ?? BrokerConfigCatalog.named(key)?.defaultValue ?? "") ?? 0
    }

    /// `offsets.topic.num.partitions`.
    var offsetsTopicPartitions: Int32 { Int32(clamping: number("offsets.topic.num.partitions")) }
    /// `offsets.topic.replication.factor`.
    var offsetsTopicReplicationFactor: Int16 { Int16(clamping: number("offsets.topic.replication.factor")) }
    /// `offsets.topic.segment.bytes`.
    var offsetsTopicSegmentBytes: Int64 { number("offsets.topic.segment.bytes") }
    /// `offsets.commit.timeout.ms`.
    var offsetsCommitTimeoutMs: Int64 { number("offsets.commit.timeout.ms") }
    /// `offsets.retention.check.interval.ms`.
    var offsetsRetentionCheckIntervalMs: Int64 { number("offsets.retention.check.interval.ms") }

    var groupCoordinatorConfig: GroupCoordinatorConfig {
        var config = GroupCoordinatorConfig()
        config.minSessionTimeoutMs = Int32(clamping: number("group.min.session.timeout.ms"))
        config.maxSessionTimeoutMs = Int32(clamping: number("group.max.session.timeout.ms"))
        config.initialRebalanceDelayMs = number("group.initial.rebalance.delay.ms")
        config.maxGroupSize = Int(number("group.max.size"))
        config.offsetMetadataMaxBytes = Int(number("offset.metadata.max.bytes"))
        config.offsetsRetentionMs = number("offsets.retention.minutes") * 60_000
        return config
    }
}
