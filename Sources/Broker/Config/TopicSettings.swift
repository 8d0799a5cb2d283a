import Controller
import LogStorage

/// One topic's effective configs, typed for the code that uses them: the log's settings and the
/// produce path's limits. Resolved from topic, broker and default values by `ConfigResolver`.
struct TopicSettings: Sendable, Hashable {
    var log: LogConfig
    /// `max.message.bytes`: the largest batch a produce may carry.
    var maxMessageBytes: Int
    /// `min.insync.replicas`: the ISR size acks=all writes require.
    var minInsyncReplicas: Int

    init(_ values: [String: String]) {
        func long(_ key: String, _ fallback: Int64) -> Int64 { values[key].flatMap { Int64($0) } ?? fallback }
        var log = LogConfig()
        log.segmentBytes = Int(long("segment.bytes", Int64(log.segmentBytes)))
        log.segmentMs = long("segment.ms", log.segmentMs)
        log.segmentIndexBytes = Int(long("segment.index.bytes", Int64(log.segmentIndexBytes)))
        log.indexIntervalBytes = Int(long("index.interval.bytes", Int64(log.indexIntervalBytes)))
        log.retentionMs = long("retention.ms", log.retentionMs)
        log.retentionBytes = long("retention.bytes", log.retentionBytes)
        log.flushMessages = long("flush.messages", log.flushMessages)
        log.flushMs = long("flush.ms", log.flushMs)
        log.fileDeleteDelayMs = long("file.delete.delay.ms", log.fileDeleteDelayMs)
        log.messageTimestampType = values["message.timestamp.type"] == "LogAppendTime" ? .logAppendTime : .createTime
        self.log = log
        maxMessageBytes = Int(long("max.message.bytes", 1_048_588))
        minInsyncReplicas = Int(long("min.insync.replicas", 1))
    }
}

extension ConfigResolver {
    func topicSettings(_ topic: String) -> TopicSettings { TopicSettings(topicValues(topic)) }
}
