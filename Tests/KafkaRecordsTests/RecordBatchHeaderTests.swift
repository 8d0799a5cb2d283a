import NIOCore
import Testing
@testable import KafkaRecords

/// Every header field lands at its offset, reads back, and the CRC covers exactly bytes 21 to the end.
@Suite struct RecordBatchHeaderTests {
    func sample() throws -> RecordBatch {
        var builder = RecordBatchBuilder(
            baseOffset: 0x0102_0304_0506_0708, compression: .none,
            producer: ProducerIdentity(id: 0x1112_1314_1516_1718, epoch: 0x2122), baseSequence: 0x3132_3334,
            isTransactional: true, isControl: false, partitionLeaderEpoch: 0x4142_4344)
        builder.append(key: buffer("a"), value: buffer("b"), timestamp: 0x5152_5354_5556_5758)
        builder.append(key: buffer("c"), value: buffer("d"), timestamp: 0x5152_5354_5556_5760)
        return try builder.build()
    }

    @Test func everyFieldAtItsOffset() throws {
        let batch = try sample()
        let bytes = batch.bytes
        func at<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? { bytes.getInteger(at: bytes.readerIndex + offset) }
        #expect(at(0, Int64.self) == 0x0102_0304_0506_0708 && batch.baseOffset == 0x0102_0304_0506_0708)
        #expect(at(8, Int32.self) == Int32(batch.sizeInBytes - 12) && batch.batchLength == Int32(batch.sizeInBytes - 12))
        #expect(at(12, Int32.self) == 0x4142_4344 && batch.partitionLeaderEpoch == 0x4142_4344)
        #expect(at(16, Int8.self) == 2 && batch.magic == 2)
        #expect(at(17, UInt32.self) == batch.crc)
        #expect(at(21, Int16.self) == 0x10 && batch.attributes.rawValue == 0x10)
        #expect(at(23, Int32.self) == 1 && batch.lastOffsetDelta == 1)
        #expect(at(27, Int64.self) == 0x5152_5354_5556_5758 && batch.baseTimestamp == 0x5152_5354_5556_5758)
        #expect(at(35, Int64.self) == 0x5152_5354_5556_5760 && batch.maxTimestamp == 0x5152_5354_5556_5760)
        #expect(at(43, Int64.self) == 0x1112_1314_1516_1718 && batch.producerId == 0x1112_1314_1516_1718)
        #expect(at(51, Int16.self) == 0x2122 && batch.producerEpoch == 0x2122)
        #expect(at(53, Int32.self) == 0x3132_3334 && batch.baseSequence == 0x3132_3334)
        #expect(at(57, Int32.self) == 2 && batch.recordCount == 2)
        #expect(batch.lastSequence == 0x3132_3335)
        #expect(batch.lastOffset == 0x0102_0304_0506_0709)
    }

    @Test func crcCoversAttributesToTheEndOnly() throws {
        let batch = try sample()
        try batch.validate()
        let crcd = batch.bytes.getSlice(at: batch.bytes.readerIndex + 21, length: batch.sizeInBytes - 21)!
        #expect(CRC32C.checksum(crcd.readableBytesView) == batch.crc)
        // The fields before the CRC'd part can change without invalidating it...
        var patched = batch
        patched.baseOffset = 99
        patched.partitionLeaderEpoch = 5
        try patched.validate()
        // ...but one flipped bit after byte 21 cannot.
        for offset in [21, 30, 57, batch.sizeInBytes - 1] {
            var bytes = batch.bytes
            bytes.setInteger(bytes.getInteger(at: offset, as: UInt8.self)! ^ 0x01, at: offset)
            let corrupt = try RecordBatch(bytes: bytes)
            #expect(throws: RecordBatchError.self) { try corrupt.validate() }
        }
    }

    @Test func attributeBits() {
        var attributes = RecordBatchAttributes(compression: .zstd, timestampType: .logAppendTime, isTransactional: true, isControl: true)
        #expect(attributes.rawValue == 0x4 | 0x8 | 0x10 | 0x20)
        attributes.compression = .gzip
        attributes.isControl = false
        #expect(attributes.rawValue == 0x1 | 0x8 | 0x10)
        #expect(RecordBatchAttributes(rawValue: 0x40).hasDeleteHorizon)
        #expect(CompressionType(rawValue: 7).description == "unknown(7)")
        #expect(CompressionType(name: "GZIP") == .gzip && CompressionType(name: "brotli") == nil)
        #expect(CompressionType.gzip.isSupported && CompressionType.none.isSupported && !CompressionType.zstd.isSupported)
    }

    @Test func logAppendTimeStampsTheBatchAndItsRecords() throws {
        var batch = try sample()
        batch.setLogAppendTime(1_234)
        try batch.validate()
        #expect(batch.attributes.timestampType == .logAppendTime)
        #expect(batch.maxTimestamp == 1_234)
        #expect(try batch.decodeRecords().map(\.timestamp) == [1_234, 1_234])
    }

    @Test func producerStateIsRewrittenInsideTheCRC() throws {
        var batch = try sample()
        let records = try batch.decodeRecords()
        batch.setProducerState(ProducerIdentity(id: 4_000, epoch: 3), baseSequence: 17)
        try batch.validateProducedBatch()
        #expect(batch.producer == ProducerIdentity(id: 4_000, epoch: 3) && batch.baseSequence == 17)
        #expect(batch.lastSequence == 18)
        #expect(try batch.decodeRecords() == records)
    }

    @Test func headerChecksOnWrap() throws {
        #expect(throws: RecordBatchError.truncated(needed: 61, available: 60)) {
            try RecordBatch(bytes: ByteBuffer(repeating: 0, count: 60))
        }
        var bytes = try sample().bytes
        bytes.moveWriterIndex(to: bytes.writerIndex - 1)
        #expect(throws: RecordBatchError.truncated(needed: bytes.readableBytes + 1, available: bytes.readableBytes)) {
            try RecordBatch(bytes: bytes)
        }
        var short = ByteBuffer(repeating: 0, count: 61)
        short.setInteger(Int32(10), at: 8)
        #expect(throws: RecordBatchError.invalidBatchLength(10)) { try RecordBatch(bytes: short) }
        var magic = try sample().bytes
        magic.setInteger(Int8(1), at: 16)
        #expect(throws: RecordBatchError.unsupportedMagic(1)) { try RecordBatch(bytes: magic).validate() }
    }

    @Test func absurdOffsetsWrapInsteadOfTrapping() throws {
        var batch = try sample()
        batch.baseOffset = .max
        #expect(batch.lastOffset == .min)
        #expect(try batch.decodeRecords().count == 2)
    }
}
