import KafkaRecords
import NIOCore
import Testing

@testable import LogStorage

@Suite("Partition log: rolling segments")
struct RollTests {
    @Test("segment.bytes: a batch that would overflow the active segment starts a new one")
    func rollBySize() throws {
        try withScratchDirectory(.memory) { scratch in
            let size = TestBatch(valueSize: 100).bytes.readableBytes
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: size * 3))
            try log.appendBatches(7, valueSize: 100)
            #expect(log.segmentBaseOffsets == [0, 3, 6])
        }
    }

    @Test("segment.ms: a batch much newer than the segment's first one starts a new segment")
    func rollByTime() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1 << 20)
            config.segmentMs = 1_000
            let (log, _) = try scratch.openLog(config: config)
            try log.appendAsLeader(TestBatch(baseTimestamp: 10_000).bytes, leaderEpoch: 0, now: 0)
            try log.appendAsLeader(TestBatch(baseTimestamp: 10_900).bytes, leaderEpoch: 0, now: 0)
            #expect(log.segmentBaseOffsets == [0])
            try log.appendAsLeader(TestBatch(baseTimestamp: 11_001).bytes, leaderEpoch: 0, now: 0)
            #expect(log.segmentBaseOffsets == [0, 2])
        }
    }

    @Test("segment.ms with no timestamps counts from the segment's creation by the clock")
    func rollByClock() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1 << 20)
            config.segmentMs = 1_000
            let (log, _) = try scratch.openLog(config: config, now: 0)
            try log.appendAsLeader(TestBatch(timestamps: [-1]).bytes, leaderEpoch: 0, now: 500)
            try log.appendAsLeader(TestBatch(timestamps: [-1]).bytes, leaderEpoch: 0, now: 900)
            #expect(log.segmentBaseOffsets == [0])
            try log.appendAsLeader(TestBatch(timestamps: [-1]).bytes, leaderEpoch: 0, now: 1_001)
            #expect(log.segmentBaseOffsets == [0, 2])
        }
    }

    @Test("segment.index.bytes: a full offset index rolls the segment")
    func rollOnFullIndex() throws {
        try withScratchDirectory(.memory) { scratch in
            var config = smallConfig(segmentBytes: 1 << 20, indexInterval: 1)
            config.segmentIndexBytes = 4 * OffsetIndex.entrySize
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(12)
            #expect(log.segmentBaseOffsets.count > 1)
            #expect(try log.readAllBatches().count == 12)
        }
    }

    @Test("offsets too far from the base for 32-bit index entries roll the segment")
    func rollOnOffsetOverflow() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1 << 20))
            var batch = TestBatch()
            batch.baseOffset = 0
            try log.appendAsFollower(batch.bytes, now: 0)
            batch.baseOffset = Int64(Int32.max) + 10
            try log.appendAsFollower(batch.bytes, now: 0)
            #expect(log.segmentBaseOffsets == [0, Int64(Int32.max) + 10])
            #expect(try log.readAllBatches().map(\.baseOffset) == [0, Int64(Int32.max) + 10])
        }
    }

    @Test("an explicit roll leaves an empty active segment, replaced rather than stacked")
    func explicitRoll() throws {
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.roll(now: 0)
            #expect(log.segmentBaseOffsets == [0])
            try log.appendBatches(2)
            try log.roll(now: 0)
            try log.roll(now: 0)
            #expect(log.segmentBaseOffsets == [0, 2])
            #expect(log.recoveryPoint == 2)
        }
    }
}
