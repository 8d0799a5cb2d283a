import NIOCore
import Testing

@testable import LogStorage

@Suite("Offset and time indexes")
struct IndexTests {
    @Test("offset index lookup equals a linear scan", arguments: [1, 2, 3, 4, 5])
    func offsetLookupMatchesLinearScan(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var index = OffsetIndex(baseOffset: 1_000, maxEntries: 10_000)
        var entries: [(offset: Int64, position: Int64)] = []
        var offset: Int64 = 1_000, position: Int64 = 0
        for _ in 0..<Int.random(in: 0...400, using: &random) {
            offset += Int64.random(in: 1...50, using: &random)
            position += Int64.random(in: 1...5_000, using: &random)
            index.append(offset: offset, position: position)
            entries.append((offset, position))
        }
        for _ in 0..<500 {
            let target = Int64.random(in: 900...(offset + 100), using: &random)
            let expected = entries.last { $0.offset <= target } ?? (1_000, 0)
            let found = index.lookup(target)
            #expect(found.offset == expected.offset && found.position == expected.position, "target \(target)")
        }
    }

    @Test("offset index ignores non-increasing entries and stops when full")
    func offsetIndexRejectsBadEntries() {
        var index = OffsetIndex(baseOffset: 0, maxEntries: 2)
        index.append(offset: 10, position: 100)
        index.append(offset: 10, position: 200)  // same offset
        index.append(offset: 20, position: 50)  // position goes back
        index.append(offset: 20, position: 300)
        index.append(offset: 30, position: 400)  // full
        #expect(index.count == 2)
        #expect(index.isFull)
        #expect(index.lookup(25).offset == 20)
    }

    @Test("offset index truncation removes entries at and above the offset")
    func offsetIndexTruncation() {
        var index = OffsetIndex(baseOffset: 0, maxEntries: 100)
        for step in 1...10 { index.append(offset: Int64(step * 10), position: Int64(step * 100)) }
        index.truncate(removingFrom: 50)
        #expect(index.lastOffset == 40)
        index.truncate(removingFrom: 41)
        #expect(index.lastOffset == 40)
        index.truncate(removingFrom: 0)
        #expect(index.count == 0)
        #expect(index.lookup(1000) == (0, 0))
    }

    @Test("offset index round-trips through its file bytes and rejects corrupt files")
    func offsetIndexDecode() throws {
        var index = OffsetIndex(baseOffset: 500, maxEntries: 100)
        for step in 1...5 { index.append(offset: 500 + Int64(step * 3), position: Int64(step * 4096)) }
        let bytes = index.encode(from: 0)
        #expect(bytes.readableBytes == 5 * OffsetIndex.entrySize)
        let decoded = try OffsetIndex.decode(bytes, baseOffset: 500, maxEntries: 100, logSize: 100_000)
        #expect(decoded.entries == index.entries)

        var torn = bytes
        torn.moveWriterIndex(to: torn.writerIndex - 3)
        #expect(throws: IndexCorruption.self) { try OffsetIndex.decode(torn, baseOffset: 500, maxEntries: 100, logSize: 100_000) }
        #expect(throws: IndexCorruption.self) { try OffsetIndex.decode(bytes, baseOffset: 500, maxEntries: 100, logSize: 10_000) }
        var shuffled = ByteBuffer()
        shuffled.writeInteger(Int32(9)); shuffled.writeInteger(Int32(10))
        shuffled.writeInteger(Int32(3)); shuffled.writeInteger(Int32(20))
        #expect(throws: IndexCorruption.self) { try OffsetIndex.decode(shuffled, baseOffset: 0, maxEntries: 100, logSize: 1_000) }
    }

    @Test("time index keeps only growing timestamps and finds the last entry before a time")
    func timeIndex() throws {
        var index = TimeIndex(baseOffset: 100, maxEntries: 100)
        index.maybeAppend(timestamp: 10, offset: 105)
        index.maybeAppend(timestamp: 10, offset: 110)  // same timestamp: skipped
        index.maybeAppend(timestamp: 5, offset: 115)  // older: skipped
        index.maybeAppend(timestamp: 20, offset: 120)
        index.maybeAppend(timestamp: 30, offset: 130)
        #expect(index.entries.map(\.timestamp) == [10, 20, 30])
        #expect(index.lastEntry(before: 10) == nil)
        #expect(index.lastEntry(before: 11)?.offset == 105)
        #expect(index.lastEntry(before: 30)?.offset == 120)
        #expect(index.lastEntry(before: 1_000)?.offset == 130)
        index.truncate(removingFrom: 120)
        #expect(index.entries.map(\.offset) == [105])

        let decoded = try TimeIndex.decode(index.encode(from: 0), baseOffset: 100, maxEntries: 100, lastOffset: 200)
        #expect(decoded.entries == index.entries)
        #expect(throws: IndexCorruption.self) { try TimeIndex.decode(index.encode(from: 0), baseOffset: 100, maxEntries: 100, lastOffset: 101) }
    }
}

/// A small deterministic generator (SplitMix64) so randomised tests repeat.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
