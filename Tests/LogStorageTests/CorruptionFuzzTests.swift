import KafkaRecords
import NIOCore
import SystemPackage
import Testing

@testable import LogStorage

@Suite("Corrupt files never crash the log")
struct CorruptionFuzzTests {
    /// A log of a few segments, crashed; returns every batch's bytes and each segment's base offset.
    func makeCrashedLog(_ scratch: Scratch, random: inout SeededRandom) throws -> (batches: [ByteBuffer], segments: [Int64]) {
        let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500, indexInterval: 150))
        for index in 0..<40 {
            try log.appendAsLeader(TestBatch(records: Int.random(in: 1...3, using: &random), baseTimestamp: Int64(index), valueSize: 60).bytes, leaderEpoch: 1, now: 0)
        }
        let result = (try log.readAllBatches().map(\.bytes), log.segmentBaseOffsets)
        log.closeWithoutFlush()
        return result
    }

    @Test("one damaged byte anywhere in the .log files: the batches before it survive, nothing crashes", arguments: Array(1...25) as [UInt64])
    func damagedLogByte(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        try withScratchDirectory(.memory) { scratch in
            let (batches, segments) = try makeCrashedLog(scratch, random: &random)
            let memory = try #require(scratch.memory)
            let victim = segments.randomElement(using: &random) ?? 0
            let file = try #require(memory.file(at: scratch.segmentFile(victim)))
            let position = Int.random(in: 0..<file.bytes.count, using: &random)
            file.corruptByte(at: position, with: file.bytes[position] ^ UInt8.random(in: 1...255, using: &random))
            // Which batch holds the damaged byte: every batch before it must survive.
            let segmentStart = batches.firstIndex { (try? RecordBatch(bytes: $0))?.baseOffset == victim } ?? 0
            var before = segmentStart, bytes = 0
            while before < batches.count, bytes + batches[before].readableBytes <= position {
                bytes += batches[before].readableBytes
                before += 1
            }

            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 1_500, indexInterval: 150))
            let survivors = try log.readAllBatches()
            #expect(survivors.count >= before)
            #expect(survivors.prefix(before).map(\.bytes) == batches.prefix(before).map { $0 })
            var next: Int64 = 0
            for batch in survivors {
                #expect(throws: Never.self) { try batch.validate() }
                #expect(batch.baseOffset >= next)
                next = batch.nextOffset
            }
            #expect(try log.appendBatches(1)[0].firstOffset == log.logEndOffset - 1)
        }
    }

    @Test("garbage index files after a clean shutdown are rebuilt, nothing crashes", arguments: Array(1...10) as [UInt64])
    func garbageIndexes(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        try withScratchDirectory(.memory) { scratch in
            let config = smallConfig(segmentBytes: 1_500, indexInterval: 150)
            let (log, _) = try scratch.openLog(config: config)
            try log.appendBatches(40, valueSize: 60)
            let expected = try log.readAllBatches().map(\.bytes)
            let segments = log.segmentBaseOffsets
            try log.close(now: 0)
            let memory = try #require(scratch.memory)
            for base in segments {
                for suffix in [".index", ".timeindex"] where Bool.random(using: &random) {
                    let length = Int.random(in: 0...64, using: &random)
                    memory.file(at: scratch.segmentFile(base, suffix))?.replaceContents((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
                }
            }
            let (reopened, _) = try scratch.openLog(config: config, options: .init(hadCleanShutdown: true))
            #expect(try reopened.readAllBatches().map(\.bytes) == expected)
            for offset in stride(from: Int64(0), to: reopened.logEndOffset, by: 3) {
                let first = try reopened.read(from: offset, maxBytes: 1).slices.first?.readBytes().batches.first
                #expect(first.map { $0.baseOffset <= offset && $0.lastOffset >= offset } == true)
            }
            _ = try reopened.offset(forTimestamp: 1_010)
        }
    }
}
