import NIOCore
import Testing
@testable import KafkaRecords

/// The produce-path checks and the record decoder's errors on hand-made malformed records.
@Suite struct RecordValidationTests {
    @Test func framingWalkAcceptsExactRecords() throws {
        let batch = try handmadeBatch(records: records([RawRecord(), RawRecord(offsetDelta: 1)]), count: 2)
        try batch.validateProducedBatch()
        #expect(try batch.decodeRecords().count == 2)
    }

    @Test func framingWalkCountsRecords() throws {
        let two = records([RawRecord(), RawRecord(offsetDelta: 1)])
        let tooMany = try handmadeBatch(records: two, count: 3, lastOffsetDelta: 2)
        #expect(throws: RecordBatchError.recordCountMismatch(declared: 3, actual: 2)) { try tooMany.validateRecordFraming() }
        #expect(throws: RecordBatchError.recordCountMismatch(declared: 3, actual: 2)) { try tooMany.decodeRecords() }
        let tooFew = try handmadeBatch(records: two, count: 1, lastOffsetDelta: 0)
        #expect(throws: RecordBatchError.recordCountMismatch(declared: 1, actual: 2)) { try tooFew.validateRecordFraming() }
        #expect(throws: RecordBatchError.trailingBytes(two.readableBytes / 2)) { try tooFew.decodeRecords() }
    }

    @Test func framingWalkRejectsLengthsPastTheEnd() throws {
        let batch = try handmadeBatch(records: records([RawRecord(lengthOverride: 200)]), count: 1)
        #expect(throws: RecordBatchError.self) { try batch.validateRecordFraming() }
        #expect(throws: RecordBatchError.self) { try batch.decodeRecords() }
        let negative = try handmadeBatch(records: records([RawRecord(lengthOverride: -1)]), count: 1)
        #expect(throws: RecordBatchError.self) { try negative.validateRecordFraming() }
        #expect(throws: RecordBatchError.corruptRecord(index: 0, reason: "negative length -1")) { try negative.decodeRecords() }
    }

    @Test func trailingGarbageAfterTheLastRecord() throws {
        var section = records([RawRecord()])
        section.writeBytes([0x00, 0x00, 0x00])
        let batch = try handmadeBatch(records: section, count: 1)
        #expect(throws: RecordBatchError.self) { try batch.validateRecordFraming() }
        #expect(throws: RecordBatchError.trailingBytes(3)) { try batch.decodeRecords() }
    }

    @Test func producedBatchRules() throws {
        let one = records([RawRecord()])
        let gap = try handmadeBatch(records: one, count: 1, lastOffsetDelta: 4)
        try gap.validate()  // fine in a log after compaction...
        #expect(throws: RecordBatchError.offsetRangeMismatch(lastOffsetDelta: 4, recordCount: 1)) {
            try gap.validateProducedBatch()  // ...but not from a producer
        }
        let marker = try RecordBatch.endTransactionMarker(
            EndTransactionMarker(type: .commit, coordinatorEpoch: 0), producer: ProducerIdentity(id: 1, epoch: 0), timestamp: 0)
        #expect(throws: RecordBatchError.self) { try marker.validateProducedBatch() }
    }

    @Test func compressedBatchesAreCheckedByCRCOnly() throws {
        // Garbage where a gzip stream should be: the framing walk does not look inside.
        let batch = try handmadeBatch(records: ByteBuffer(bytes: [1, 2, 3, 4, 5]), count: 1, compression: .gzip)
        try batch.validateProducedBatch()
        #expect(throws: RecordBatchError.corruptCompressedData(.gzip, "invalid gzip data")) { try batch.decodeRecords() }
    }

    @Test(arguments: [
        (RawRecord(keyLength: -2), "key length -2 is negative (only -1, null, is allowed)"),
        (RawRecord(valueLength: -7), "value length -7 is negative (only -1, null, is allowed)"),
        (RawRecord(keyLength: 50), "key length 50 runs past the record end (4 bytes left)"),
        (RawRecord(valueLength: 9), "value length 9 runs past the record end (2 bytes left)"),
        (RawRecord(headersCount: -1), "headers count -1 does not fit the record's 0 remaining bytes"),
        (RawRecord(headersCount: 1_000_000), "headers count 1000000 does not fit the record's 0 remaining bytes"),
        (RawRecord(headers: [(key: Array("h".utf8), keyLength: -1, value: nil)]),
         "header key length -1: header keys may not be null"),
        (RawRecord(headers: [(key: Array("h".utf8), keyLength: 40, value: nil)]),
         "header key length 40 runs past the record end"),
        (RawRecord(extra: [0, 0]), "2 bytes left inside the record after its headers"),
    ])
    func malformedRecordFields(raw: RawRecord, reason: String) throws {
        let batch = try handmadeBatch(records: records([RawRecord(), raw]), count: 2)
        var iterator = try batch.records()
        #expect(try iterator.next() != nil)
        #expect(throws: RecordBatchError.corruptRecord(index: 1, reason: reason)) { try iterator.next() }
        #expect(try iterator.next() == nil)  // stays finished after an error
    }

    @Test func overlongVarintsAreRejected() throws {
        // offsetDelta as a 6-byte varint: too long for an int32 field.
        var body = ByteBuffer(bytes: [0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01, 0x01, 0x00])
        var section = ByteBuffer()
        section.writeVarint(Int64(body.readableBytes))
        section.writeBuffer(&body)
        let batch = try handmadeBatch(records: section, count: 1)
        #expect(throws: RecordBatchError.corruptRecord(index: 0, reason: "malformed offsetDelta")) { try batch.decodeRecords() }
    }

    @Test func negativeRecordCount() throws {
        let batch = try handmadeBatch(records: ByteBuffer(), count: -1, lastOffsetDelta: 0)
        #expect(throws: RecordBatchError.invalidRecordCount(-1)) { try batch.validateRecordFraming() }
        #expect(throws: RecordBatchError.invalidRecordCount(-1)) { try batch.records() }
    }
}
