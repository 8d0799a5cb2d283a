import NIOCore
import Testing
@testable import KafkaRecords

/// Walking batches laid end to end, as a fetch response or a log segment holds them.
@Suite struct RecordBatchSequenceTests {
    func batch(_ values: [String], baseOffset: Int64) throws -> RecordBatch {
        var builder = RecordBatchBuilder(baseOffset: baseOffset)
        for value in values { builder.append(key: nil, value: buffer(value), timestamp: 0) }
        return try builder.build()
    }

    @Test func walksBatchesAndStopsBeforeAPartialOne() throws {
        let first = try batch(["a", "b"], baseOffset: 0)
        let second = try batch(["c"], baseOffset: 2)
        var bytes = first.bytes
        bytes.writeImmutableBuffer(second.bytes)
        bytes.writeImmutableBuffer(second.bytes.getSlice(at: 0, length: 30)!)  // cut at max.bytes
        var sequence = RecordBatchSequence(bytes)
        var offsets: [Int64] = []
        while let batch = sequence.next() {
            try batch.validate()
            offsets += try batch.decodeRecords().map(\.offset)
        }
        #expect(offsets == [0, 1, 2])
        #expect(sequence.trailingBytes == 30 && sequence.corruption == nil)
    }

    @Test func reportsAnImpossibleLength() throws {
        var bytes = try batch(["a"], baseOffset: 0).bytes
        var garbage = ByteBuffer(repeating: 0, count: 20)
        garbage.setInteger(Int32(3), at: 8)  // shorter than a header
        bytes.writeBuffer(&garbage)
        var sequence = RecordBatchSequence(bytes)
        #expect(sequence.next() != nil)
        #expect(sequence.next() == nil)
        #expect(sequence.corruption == .invalidBatchLength(3) && sequence.trailingBytes == 20)
    }
}
