import KafkaRecords

/// Names of partition directories in a data directory: `<topic>-<partition>` (the topic may contain
/// '-', so the partition is what follows the last one), and `<topic>-<partition>.<id>-delete` for a
/// partition on its way out.
enum PartitionDirectoryName {
    static let deleteSuffix = "-delete"

    static func name(_ topicPartition: TopicPartition) -> String {
        "\(topicPartition.topic)-\(topicPartition.partition)"
    }

    /// The partition a directory holds, or nil when the name is not `<topic>-<partition>`.
    static func parse(_ name: String) -> TopicPartition? {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let topic = name[..<dash]
        let digits = name[name.index(after: dash)...]
        guard !topic.isEmpty, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let partition = Int32(digits)
        else { return nil }
        return TopicPartition(String(topic), partition)
    }

    /// `orders-0.4f1c…-delete`: where a deleted partition goes before it is removed.
    static func deletionName(_ topicPartition: TopicPartition) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        return "\(name(topicPartition)).\(id)\(deleteSuffix)"
    }

    static func isPendingDeletion(_ name: String) -> Bool {
        name.hasSuffix(deleteSuffix) && name.contains(".")
    }
}
