import KafkaRecords
import NIOCore
import SystemPackage
import Testing

@testable import LogStorage

@Suite("Log manager")
struct LogManagerTests {
    func open(_ scratch: Scratch, now: Int64 = 0) throws -> (manager: LogManager, report: LogManager.OpenReport) {
        try LogManager.open(dataDirectory: scratch.root, fileSystem: scratch.fileSystem, configForTopic: { _ in smallConfig(segmentBytes: 2_000) }, now: now)
    }

    func text(_ scratch: Scratch, _ name: String) throws -> String? {
        try scratch.fileSystem.readFileIfExists(at: scratch.root.appending(name)).map { String(buffer: $0) }
    }

    @Test("partitions are created, found again after a clean restart, and checkpointed", arguments: FileSystemKind.allCases)
    func lifecycle(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            do {
                let (manager, report) = try open(scratch)
                #expect(!report.hadCleanShutdown && report.partitions.isEmpty)
                let orders = try manager.getOrCreateLog(TopicPartition("orders", 0), topicId: "AAAAAAAAAAAAAAAAAAAAAA", now: 0)
                let dashed = try manager.getOrCreateLog(TopicPartition("my-dashed-topic", 2), now: 0)
                #expect(try manager.getOrCreateLog(TopicPartition("orders", 0), now: 0) === orders)
                try orders.appendBatches(10, valueSize: 300)
                orders.updateHighWatermark(8)
                try dashed.appendBatches(2)
                try manager.close(now: 0, brokerEpoch: 12)
            }
            #expect(try text(scratch, ".kafka_cleanshutdown") == "{\"version\":0,\"brokerEpoch\":12}")
            #expect(try text(scratch, "replication-offset-checkpoint") == "0\n2\nmy-dashed-topic 2 0\norders 0 8\n")
            #expect(try text(scratch, "recovery-point-offset-checkpoint") == "0\n2\nmy-dashed-topic 2 2\norders 0 10\n")
            #expect(try text(scratch, "log-start-offset-checkpoint") == "0\n2\nmy-dashed-topic 2 0\norders 0 0\n")
            #expect(try text(scratch, "orders-0/partition.metadata") == "version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n")

            let (manager, report) = try open(scratch)
            #expect(report.hadCleanShutdown)
            #expect(report.partitions.allSatisfy { $0.recoveredSegments.isEmpty })
            #expect(!scratch.fileSystem.exists(at: scratch.root.appending(".kafka_cleanshutdown")))
            #expect(manager.topicPartitions == [TopicPartition("my-dashed-topic", 2), TopicPartition("orders", 0)])
            #expect(manager.topicId(for: TopicPartition("orders", 0)) == "AAAAAAAAAAAAAAAAAAAAAA")
            let orders = try #require(manager.log(for: TopicPartition("orders", 0)))
            #expect(orders.logEndOffset == 10 && orders.highWatermark == 8)
            #expect(try orders.readAllBatches().count == 10)
            manager.abandon()
        }
    }

    @Test("after a crash, logs are recovered from their checkpointed recovery points")
    func crashRecovery() throws {
        try withScratchDirectory(.memory) { scratch in
            do {
                let (manager, _) = try open(scratch)
                let log = try manager.getOrCreateLog(TopicPartition("orders", 0), now: 0)
                try log.appendBatches(30, valueSize: 200)
                try manager.writeCheckpoints()
                try log.appendBatches(5, valueSize: 200)
                manager.abandon()
            }
            let (manager, report) = try open(scratch)
            #expect(!report.hadCleanShutdown)
            let partition = try #require(report.partitions.first)
            #expect(!partition.recoveredSegments.isEmpty)
            #expect(manager.log(for: TopicPartition("orders", 0))?.logEndOffset == 35)
            manager.abandon()
        }
    }

    @Test("the data directory lock keeps a second manager out", arguments: FileSystemKind.allCases)
    func directoryLock(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (first, _) = try open(scratch)
            #expect(throws: LogStorageError.directoryLocked(path: scratch.root.string)) { try open(scratch) }
            try first.close(now: 0)
            let (second, _) = try open(scratch)
            second.abandon()
        }
    }

    @Test("a deleted partition's directory goes away; half-deleted leftovers are removed at open", arguments: FileSystemKind.allCases)
    func deletion(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (manager, _) = try open(scratch)
            let log = try manager.getOrCreateLog(TopicPartition("orders", 1), now: 0)
            try log.appendBatches(3)
            let slice = try log.read(from: 0, maxBytes: 1_000).slices[0]
            try manager.deleteLog(TopicPartition("orders", 1))
            #expect(manager.log(for: TopicPartition("orders", 1)) == nil)
            #expect(!scratch.fileSystem.exists(at: scratch.root.appending("orders-1")))
            #expect(try slice.readBytes().batches.count == 3)  // a fetch in flight still reads
            #expect(throws: LogStorageError.self) { try log.appendBatches(1) }
            try manager.close(now: 0)

            try scratch.fileSystem.createDirectory(at: scratch.root.appending("orders-2.0123456789abcdef0123456789abcdef-delete"))
            try scratch.fileSystem.createDirectory(at: scratch.root.appending("lost+found"))
            try scratch.fileSystem.createDirectory(at: scratch.root.appending("__cluster_metadata-0"))
            let (reopened, report) = try open(scratch)
            #expect(!scratch.fileSystem.exists(at: scratch.root.appending("orders-2.0123456789abcdef0123456789abcdef-delete")))
            #expect(report.warnings.count == 2)
            #expect(reopened.topicPartitions.isEmpty)
            reopened.abandon()
        }
    }

    @Test("an unreadable checkpoint is a warning and means full recovery")
    func unreadableCheckpoint() throws {
        try withScratchDirectory(.memory) { scratch in
            let (manager, _) = try open(scratch)
            try manager.getOrCreateLog(TopicPartition("orders", 0), now: 0).appendBatches(3)
            manager.abandon()
            try scratch.fileSystem.writeFileAtomically(ByteBuffer(string: "garbage"), to: scratch.root.appending("recovery-point-offset-checkpoint"))
            let (reopened, report) = try open(scratch)
            #expect(report.warnings.contains { $0.contains("recovery-point-offset-checkpoint") })
            #expect(report.partitions.first?.recoveredSegments == [0])
            #expect(reopened.log(for: TopicPartition("orders", 0))?.logEndOffset == 3)
            reopened.abandon()
        }
    }

    @Test("retention runs over every partition")
    func retentionPass() throws {
        try withScratchDirectory(.memory) { scratch in
            let (manager, _) = try LogManager.open(dataDirectory: scratch.root, fileSystem: scratch.fileSystem, configForTopic: { _ in
                var config = smallConfig(segmentBytes: 1_000)
                config.retentionMs = 1_000
                return config
            }, now: 0)
            for partition in 0..<3 {
                let log = try manager.getOrCreateLog(TopicPartition("t", Int32(partition)), now: 0)
                try log.appendBatches(10, valueSize: 200, timestamp: 0)
                log.updateHighWatermark(10)
            }
            let results = manager.deleteOldSegments(now: 100_000)
            #expect(results.count == 3)
            for (_, result) in results { #expect((try? result.get())?.logStartOffset == 10) }
            manager.abandon()
        }
    }
}
