import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Partition log: append and read")
struct PartitionLogAppendReadTests {
    @Test("batches round-trip across segment rolls", arguments: FileSystemKind.allCases)
    func roundTripAcrossRolls(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog()
            var random = SeededRandom(seed: 11)
            var expected: [(base: Int64, records: Int32)] = []
            for index in 0..<150 {
                let records = Int.random(in: 1...5, using: &random)
                let batch = TestBatch(records: records, baseTimestamp: Int64(index) * 10, valueSize: Int.random(in: 1...300, using: &random))
                let result = try log.appendAsLeader(batch.bytes, leaderEpoch: 4, now: 0)
                #expect(result.firstOffset == (expected.last.map { $0.base + Int64($0.records) } ?? 0))
                #expect(result.lastOffset == result.firstOffset + Int64(records) - 1)
                expected.append((result.firstOffset, Int32(records)))
            }
            #expect(log.segmentBaseOffsets.count > 5)
            #expect(log.logEndOffset == expected.last.map { $0.base + Int64($0.records) })
            let batches = try log.readAllBatches()
            #expect(batches.map(\.baseOffset) == expected.map(\.base))
            #expect(batches.map(\.recordCount) == expected.map(\.records))
            for batch in batches {
                #expect(batch.partitionLeaderEpoch == 4)
                #expect(throws: Never.self) { try batch.validate() }
            }
            let files = try scratch.partitionFiles()
            for base in log.segmentBaseOffsets {
                let name = LogFileNames.prefix(base)
                #expect(files.contains(name + ".log") && files.contains(name + ".index") && files.contains(name + ".timeindex"))
            }
        }
    }

    @Test("a read starts at the batch holding the offset, found through the index", arguments: [1, 2, 3] as [UInt64])
    func readStartsAtContainingBatch(seed: UInt64) throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 64 * 1024, indexInterval: 300))
            var random = SeededRandom(seed: seed)
            for _ in 0..<300 {
                let batch = TestBatch(records: Int.random(in: 1...8, using: &random), valueSize: Int.random(in: 1...200, using: &random))
                try log.appendAsLeader(batch.bytes, leaderEpoch: 0, now: 0)
            }
            let all = try log.readAllBatches()
            for _ in 0..<300 {
                let offset = Int64.random(in: 0..<log.logEndOffset, using: &random)
                let result = try log.read(from: offset, maxBytes: 1)
                let first = try #require(result.slices.first).readBytes().batches.first
                let expected = all.first { $0.lastOffset >= offset }
                #expect(first?.baseOffset == expected?.baseOffset, "offset \(offset)")
            }
        }
    }

    @Test("reads stop before the upper bound, even inside a batch")
    func readStopsAtMaxOffset() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(10, records: 3)  // batches at 0, 3, 6, ... 27
            let batches = { (maxOffset: Int64) throws -> [Int64] in
                try log.read(from: 0, maxBytes: 1 << 20, upTo: maxOffset).slices.flatMap { try $0.readBytes().batches.map(\.baseOffset) }
            }
            #expect(try batches(9) == [0, 3, 6])
            #expect(try batches(10) == [0, 3, 6])  // 10 is inside the batch 9...11
            #expect(try batches(0).isEmpty)
            #expect(try log.read(from: 12, maxBytes: 100, upTo: 12).slices.isEmpty)
            #expect(try log.read(from: 12, maxBytes: 100, upTo: 5).slices.isEmpty)
        }
    }

    @Test("maxBytes limits a read; minOneBatch returns a larger first batch whole (KIP-74)")
    func maxBytesAndMinOneBatch() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1 << 20))
            try log.appendAsLeader(TestBatch(records: 1, valueSize: 2_000).bytes, leaderEpoch: 0, now: 0)
            try log.appendBatches(5, valueSize: 100)
            let big = try log.read(from: 0, maxBytes: 500, minOneBatch: true)
            #expect(big.sizeInBytes > 2_000)
            #expect(try big.slices[0].readBytes().batches.count == 1)
            let refused = try log.read(from: 0, maxBytes: 500, minOneBatch: false)
            #expect(refused.slices.isEmpty && refused.firstBatchTooLarge)
            let cut = try log.read(from: 1, maxBytes: 300)
            #expect(cut.sizeInBytes == 300)  // like Kafka, the last batch may be partial
            #expect(try cut.slices[0].readBytes().batches.count == 1)
        }
    }

    @Test("offsets outside the log are out of range; the log end reads empty")
    func outOfRange() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(3)
            #expect(throws: LogStorageError.offsetOutOfRange(requested: 4, logStartOffset: 0, logEndOffset: 3)) {
                try log.read(from: 4, maxBytes: 100)
            }
            #expect(try log.read(from: 3, maxBytes: 100).slices.isEmpty)
            try log.updateHighWatermark(3)
            try log.deleteRecords(before: 2)
            #expect(throws: LogStorageError.self) { try log.read(from: 1, maxBytes: 100) }
            #expect(try log.readAllBatches().map(\.baseOffset) == [2])
        }
    }

    @Test("follower appends keep the leader's offsets and refuse to go back")
    func followerAppend() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            var batch = TestBatch(records: 2)
            batch.baseOffset = 0
            batch.leaderEpoch = 1
            var bytes = batch.bytes
            batch.baseOffset = 5  // a gap, as after compaction
            batch.leaderEpoch = 2
            bytes.writeImmutableBuffer(batch.bytes)
            let result = try log.appendAsFollower(bytes, now: 0)
            #expect(result.firstOffset == 0 && result.lastOffset == 6)
            #expect(log.logEndOffset == 7)
            #expect(log.leaderEpochEntries == [.init(epoch: 1, startOffset: 0), .init(epoch: 2, startOffset: 5)])
            batch.baseOffset = 6
            #expect(throws: LogStorageError.unexpectedAppendOffset(firstOffset: 6, logEndOffset: 7)) {
                try log.appendAsFollower(batch.bytes, now: 0)
            }
            var backwards = TestBatch(records: 1)
            backwards.baseOffset = 10
            var twoBatches = backwards.bytes
            backwards.baseOffset = 8
            twoBatches.writeImmutableBuffer(backwards.bytes)
            #expect(throws: LogStorageError.self) { try log.appendAsFollower(twoBatches, now: 0) }
            #expect(log.logEndOffset == 7)
        }
    }

    @Test("a new leader epoch is recorded and checkpointed", arguments: FileSystemKind.allCases)
    func leaderEpochs(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(2, epoch: 1)
            try log.appendBatches(2, epoch: 3)
            #expect(log.leaderEpochEntries == [.init(epoch: 1, startOffset: 0), .init(epoch: 3, startOffset: 2)])
            #expect(log.endOffset(forEpoch: 1) == (1, 2))
            #expect(log.endOffset(forEpoch: 3) == (3, 4))
            let checkpoint = try #require(try scratch.fileSystem.readFileIfExists(at: scratch.partitionDirectory.appending("leader-epoch-checkpoint")))
            #expect(String(buffer: checkpoint) == "0\n2\n1 0\n3 2\n")
        }
    }

    @Test("LogAppendTime stamps the broker's time and keeps the CRC valid")
    func logAppendTime() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig()
            config.messageTimestampType = .logAppendTime
            let (log, _) = try scratch.openLog(config: config)
            let result = try log.appendAsLeader(TestBatch(records: 2, baseTimestamp: 5).bytes, leaderEpoch: 0, now: 777)
            #expect(result.logAppendTime == 777 && result.maxTimestamp == 777)
            let batch = try #require(try log.readAllBatches().first)
            #expect(batch.maxTimestamp == 777 && batch.attributes.timestampType == .logAppendTime)
            #expect(throws: Never.self) { try batch.validate() }
        }
    }

    @Test("bytes that are not whole batches are refused")
    func invalidRecords() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            var partial = TestBatch().bytes
            partial.moveWriterIndex(to: partial.writerIndex - 1)
            #expect(throws: LogStorageError.self) { try log.appendAsLeader(partial, leaderEpoch: 0, now: 0) }
            #expect(throws: LogStorageError.self) { try log.appendAsLeader(ByteBuffer(), leaderEpoch: 0, now: 0) }
            var config = smallConfig(segmentBytes: 100)
            config.segmentBytes = 100
            log.updateConfig(config)
            #expect(throws: LogStorageError.recordsTooLarge(size: TestBatch(valueSize: 200).bytes.readableBytes, segmentBytes: 100)) {
                try log.appendAsLeader(TestBatch(valueSize: 200).bytes, leaderEpoch: 0, now: 0)
            }
            #expect(log.logEndOffset == 0)
        }
    }

    @Test("a producer's retry is answered with the original offsets and not appended")
    func idempotentRetry() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(2)
            let first = try log.appendAsLeader(TestBatch.idempotent(producerId: 9, epoch: 0, sequence: 0, records: 3).bytes, leaderEpoch: 0, now: 0)
            try log.appendAsLeader(TestBatch.idempotent(producerId: 9, epoch: 0, sequence: 3).bytes, leaderEpoch: 0, now: 0)
            let retry = try log.appendAsLeader(TestBatch.idempotent(producerId: 9, epoch: 0, sequence: 0, records: 3).bytes, leaderEpoch: 0, now: 0)
            #expect(retry.isDuplicate && retry.firstOffset == first.firstOffset && retry.lastOffset == first.lastOffset)
            #expect(log.logEndOffset == 6)
            #expect(throws: LogStorageError.self) {
                try log.appendAsLeader(TestBatch.idempotent(producerId: 9, epoch: 0, sequence: 7).bytes, leaderEpoch: 0, now: 0)
            }
            #expect(log.logEndOffset == 6)
        }
    }
}
