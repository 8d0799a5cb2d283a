import KafkaRecords
import LogStorage
import NIOCore
import SystemPackage
import Testing

extension Scratch {
    /// Opens the `orders-0` partition log in this scratch directory.
    func openLog(
        config: LogConfig = smallConfig(), options: PartitionLog.OpenOptions = .init(), now: Int64 = 0
    ) throws -> (log: PartitionLog, report: LogRecoveryReport) {
        try PartitionLog.open(
            directory: partitionDirectory, topicPartition: TopicPartition("orders", 0), config: config,
            fileSystem: fileSystem, options: options, now: now)
    }

    /// The names in the partition directory, sorted.
    func partitionFiles() throws -> [String] {
        try fileSystem.contentsOfDirectory(at: partitionDirectory).sorted()
    }

    func segmentFile(_ base: Int64, _ suffix: String = ".log") -> FilePath {
        partitionDirectory.appending(String(repeating: "0", count: 20 - String(base).count) + String(base) + suffix)
    }
}

extension PartitionLog {
    /// Every whole batch from `offset` to the log end, by repeated reads as a consumer would.
    func readAllBatches(from offset: Int64? = nil, maxBytes: Int = 1 << 20) throws -> [RecordBatch] {
        var next = offset ?? logStartOffset
        var batches: [RecordBatch] = []
        let end = logEndOffset
        while next < end {
            let result = try read(from: next, maxBytes: maxBytes)
            var progressed = false
            for slice in result.slices {
                for batch in try slice.readBytes().batches where batch.lastOffset >= next {
                    batches.append(batch)
                    next = batch.nextOffset
                    progressed = true
                }
            }
            if !progressed { break }
        }
        return batches
    }

    /// Appends `count` single-record-ish batches and returns their results.
    @discardableResult
    func appendBatches(_ count: Int, records: Int = 1, valueSize: Int = 100, timestamp: Int64 = 1_000, epoch: Int32 = 0, now: Int64 = 0) throws -> [LogAppendResult] {
        try (0..<count).map { index in
            try appendAsLeader(TestBatch(records: records, baseTimestamp: timestamp + Int64(index), valueSize: valueSize).bytes, leaderEpoch: epoch, now: now)
        }
    }
}
