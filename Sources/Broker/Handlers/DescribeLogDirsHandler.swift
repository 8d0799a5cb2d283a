#if canImport(Glibc)
import Glibc
#endif
import KafkaProtocol
import KafkaRecords

/// DescribeLogDirs (key 35), versions 0-4: the replicas this broker holds in its one log directory,
/// each with its size on disk and its offset lag (how far its log end is below the high watermark, as
/// Kafka's `getLogEndOffsetLag`; 0 on a leader), and from v4 the directory's total and usable bytes.
/// Null topics ask for every replica.
struct DescribeLogDirsHandler: APIHandler {
    typealias Request = DescribeLogDirsRequest
    static let versions: ClosedRange<Int16> = 0...4

    let broker: BrokerContext

    func handle(_ request: DescribeLogDirsRequest, context: RequestContext) async throws -> DescribeLogDirsResponse? {
        let wanted: Set<TopicPartition>? = request.topics.map { topics in
            Set(topics.flatMap { topic in topic.partitions.map { TopicPartition(topic.topic, $0) } })
        }
        var byTopic: [String: [DescribeLogDirsResponse.DescribeLogDirsPartition]] = [:]
        for partition in broker.replicas.allPartitions where wanted?.contains(partition.topicPartition) ?? true {
            var entry = DescribeLogDirsResponse.DescribeLogDirsPartition()
            entry.partitionIndex = partition.topicPartition.partition
            entry.partitionSize = partition.log.sizeInBytes
            entry.offsetLag = max(0, partition.highWatermark - partition.log.logEndOffset)
            byTopic[partition.topicPartition.topic, default: []].append(entry)
        }
        var result = DescribeLogDirsResponse.DescribeLogDirsResult()
        result.logDir = broker.config.dataDirectory
        result.topics = byTopic.keys.sorted().map { name in
            DescribeLogDirsResponse.DescribeLogDirsTopic(name: name, partitions: byTopic[name]!.sorted { $0.partitionIndex < $1.partitionIndex })
        }
        if let (total, usable) = Self.space(of: broker.config.dataDirectory) {
            result.totalBytes = total
            result.usableBytes = usable
        }
        var response = DescribeLogDirsResponse()
        response.results = [result]
        return response
    }

    /// The file system's size and the bytes an unprivileged process may still write (statvfs).
    static func space(of path: String) -> (Int64, Int64)? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let block = Int64(stats.f_frsize)
        return (Int64(stats.f_blocks) * block, Int64(stats.f_bavail) * block)
    }
}
