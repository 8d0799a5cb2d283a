import NIOCore
import Testing
@testable import KafkaRecords

/// Flips, truncates and splices random bytes of valid batches: every check and the record reader must
/// throw or return, never trap, hang or allocate without bound. Seeded, so a failure repeats.
@Suite struct FuzzTests {
    static func seeds() throws -> [(String, RecordBatch)] {
        func build(_ compression: CompressionType) throws -> RecordBatch {
            var builder = RecordBatchBuilder(compression: compression, producer: ProducerIdentity(id: 5, epoch: 1), baseSequence: 10)
            for index in 0..<12 {
                builder.append(
                    key: index % 4 == 0 ? nil : buffer("key-\(index)"),
                    value: index % 5 == 0 ? nil : ByteBuffer(repeating: UInt8(index), count: index * 13),
                    headers: (0..<(index % 3)).map { ("header-\($0)", $0 == 1 ? nil : buffer("v\(index)")) },
                    timestamp: 1_700_000_000_000 + Int64(index * 7 % 5))
            }
            return try builder.build()
        }
        let marker = try RecordBatch.endTransactionMarker(
            EndTransactionMarker(type: .abort, coordinatorEpoch: 2), producer: ProducerIdentity(id: 5, epoch: 1), timestamp: 0)
        return [
            ("uncompressed", try build(.none)), ("gzip", try build(.gzip)), ("snappy", try build(.snappy)), ("lz4", try build(.lz4)),
            ("marker", marker),
        ]
    }

    /// Exercises every reader on `bytes`; returns whether all records decoded.
    @discardableResult
    static func exercise(_ bytes: ByteBuffer) -> Bool {
        var sequence = RecordBatchSequence(bytes)
        while sequence.next() != nil {}
        guard let batch = try? RecordBatch(bytes: bytes) else { return false }
        _ = try? batch.validate()
        _ = try? batch.validateProducedBatch()
        let framingOK = (try? batch.validateRecordFraming()) != nil
        _ = batch.lastSequence
        _ = batch.nextOffset
        guard var iterator = try? batch.records(maxDecompressedSize: 1 << 20) else { return false }
        var decoded = 0
        var clean = true
        while true {
            do {
                guard let record = try iterator.next() else { break }
                decoded += 1
                _ = try? record.controlKey()
                _ = try? EndTransactionMarker(record: record)
            } catch {
                clean = false
                break
            }
        }
        #expect(decoded <= max(Int(batch.recordCount), 0))
        if clean, batch.attributes.compression == .none {
            #expect(framingOK, "the records decoded, so the framing walk must accept them")
        }
        return clean
    }

    @Test func flippedBytes() throws {
        var generator = SeededGenerator(seed: 0xF1_1BAD)
        for (name, seed) in try Self.seeds() {
            #expect(Self.exercise(seed.bytes), "\(name) must decode unmutated")
            for _ in 0..<1_500 {
                var bytes = seed.bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let offset = Int.random(in: 0..<bytes.readableBytes, using: &generator)
                    let mask = UInt8.random(in: 1...255, using: &generator)
                    bytes.setInteger(bytes.getInteger(at: offset, as: UInt8.self)! ^ mask, at: offset)
                }
                Self.exercise(bytes)
            }
        }
    }

    @Test func flippedBytesWithFixedCRC() throws {
        // Past the CRC, so that the record reader itself meets the damage.
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for (_, seed) in try Self.seeds() {
            for _ in 0..<1_500 {
                var bytes = seed.bytes
                let offset = Int.random(in: RecordBatch.headerSize..<bytes.readableBytes, using: &generator)
                bytes.setInteger(UInt8.random(in: 0...255, using: &generator), at: offset)
                guard var batch = try? RecordBatch(bytes: bytes) else { continue }
                batch.updateCRC()
                try batch.validate()
                Self.exercise(batch.bytes)
            }
        }
    }

    @Test func truncatedAndExtended() throws {
        var generator = SeededGenerator(seed: 42)
        for (_, seed) in try Self.seeds() {
            let whole = seed.bytes
            for length in 0..<whole.readableBytes {
                Self.exercise(whole.getSlice(at: 0, length: length)!)
            }
            // Truncated records section with the header patched to agree: the reader must notice.
            for cut in 1..<(whole.readableBytes - RecordBatch.headerSize) {
                var bytes = whole.getSlice(at: 0, length: whole.readableBytes - cut)!
                bytes.setInteger(Int32(bytes.readableBytes - RecordBatch.logOverhead), at: 8)
                guard var batch = try? RecordBatch(bytes: bytes) else { continue }
                batch.updateCRC()
                #expect(!Self.exercise(batch.bytes))
            }
            // Random bytes appended inside the batch.
            for _ in 0..<200 {
                var bytes = whole
                bytes.writeImmutableBuffer(randomBytes(Int.random(in: 1...20, using: &generator), using: &generator))
                bytes.setInteger(Int32(bytes.readableBytes - RecordBatch.logOverhead), at: 8)
                guard var batch = try? RecordBatch(bytes: bytes) else { continue }
                batch.updateCRC()
                Self.exercise(batch.bytes)
            }
        }
    }

    @Test func randomHeaders() {
        // Header fields with arbitrary values over a random records section.
        var generator = SeededGenerator(seed: 7_777)
        for _ in 0..<3_000 {
            var bytes = randomBytes(Int.random(in: 61...400, using: &generator), using: &generator)
            bytes.setInteger(Int32(bytes.readableBytes - RecordBatch.logOverhead), at: 8)
            bytes.setInteger(Int8(2), at: 16)
            bytes.setInteger(Int16.random(in: 0...7, using: &generator), at: 21)  // every codec id
            bytes.setInteger(Int32.random(in: -2...20, using: &generator), at: 57)
            Self.exercise(bytes)
        }
    }
}
