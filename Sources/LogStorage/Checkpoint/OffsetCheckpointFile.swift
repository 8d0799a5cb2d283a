import KafkaRecords

/// The per-data-directory offset checkpoints Kafka keeps — `recovery-point-offset-checkpoint`,
/// `log-start-offset-checkpoint`, `replication-offset-checkpoint` — in Kafka's text format:
///
///     0
///     2
///     orders 0 1200
///     orders 1 980
public enum OffsetCheckpointFile {
    public static let recoveryPoint = "recovery-point-offset-checkpoint"
    public static let logStartOffset = "log-start-offset-checkpoint"
    public static let replicationOffset = "replication-offset-checkpoint"

    /// The file's text, entries sorted by topic and partition.
    public static func encode(_ offsets: [TopicPartition: Int64]) -> String {
        CheckpointText.encode(offsets.sorted { $0.key < $1.key }.map { "\($0.key.topic) \($0.key.partition) \($0.value)" })
    }

    public static func decode(_ text: String) throws(CheckpointFormatError) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for fields in try CheckpointText.decode(text, fields: 3) {
            guard let partition = Int32(fields[1]), partition >= 0, let offset = Int64(fields[2]) else {
                throw CheckpointFormatError("malformed entry '\(fields.joined(separator: " "))'")
            }
            offsets[TopicPartition(String(fields[0]), partition)] = offset
        }
        return offsets
    }
}

/// `leader-epoch-checkpoint` in each partition directory: `0`, the count, then `<epoch> <startOffset>`
/// lines.
public enum LeaderEpochCheckpointFile {
    public static let fileName = "leader-epoch-checkpoint"

    public static func encode(_ entries: [LeaderEpochCache.Entry]) -> String {
        CheckpointText.encode(entries.map { "\($0.epoch) \($0.startOffset)" })
    }

    public static func decode(_ text: String) throws(CheckpointFormatError) -> [LeaderEpochCache.Entry] {
        try CheckpointText.decode(text, fields: 2).map { fields throws(CheckpointFormatError) in
            guard let epoch = Int32(fields[0]), let offset = Int64(fields[1]) else {
                throw CheckpointFormatError("malformed entry '\(fields.joined(separator: " "))'")
            }
            return LeaderEpochCache.Entry(epoch: epoch, startOffset: offset)
        }
    }
}

/// `partition.metadata` in each partition directory: the topic id, so a topic deleted and created
/// again under the same name is not confused with the old one.
///
///     version: 0
///     topic_id: 5Fv3eL6WQbO2dWmo0bA9sw
public enum PartitionMetadataFile {
    public static let fileName = "partition.metadata"

    public static func encode(topicId: String) -> String {
        "version: 0\ntopic_id: \(topicId)\n"
    }

    /// The topic id.
    public static func decode(_ text: String) throws(CheckpointFormatError) -> String {
        let lines = text.split(separator: "\n")
        guard lines.count >= 2, lines[0].trimmingSpaces == "version: 0" else {
            throw CheckpointFormatError("expected 'version: 0'")
        }
        let prefix = "topic_id:"
        guard lines[1].hasPrefix(prefix) else { throw CheckpointFormatError("expected 'topic_id: <id>'") }
        let id = lines[1].dropFirst(prefix.count).trimmingSpaces
        guard !id.isEmpty else { throw CheckpointFormatError("empty topic id") }
        return String(id)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " || result.last == "\r" { result.removeLast() }
        return result
    }
}
