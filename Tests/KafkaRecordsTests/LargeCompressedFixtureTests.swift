import Foundation
import NIOCore
import Testing
@testable import KafkaRecords

/// Two batches of 400 records (77 KiB of records, more than one lz4 block and two snappy-java chunks)
/// that confluent-kafka 2.16.1 (librdkafka 2.16.0) produced to a Gregor broker, copied from the
/// partition's log segment, and checked record by record with confluent-kafka's own consumer first
/// (Fixtures/README.md has the script).
@Suite struct LargeCompressedFixtureTests {
    static let fixtures: [(String, CompressionType)] = [("confluent-snappy-large", .snappy), ("confluent-lz4-large", .lz4)]

    func batch(_ name: String) throws -> RecordBatch {
        try RecordBatch(bytes: ByteBuffer(bytes: try Data(contentsOf: Fixture.directory().appendingPathComponent("\(name).bin"))))
    }

    func expectTheFormula(_ records: [Record], _ name: String) {
        #expect(records.count == LargeFixtureRecord.count)
        for (index, record) in records.enumerated() {
            #expect(record.offset == Int64(index))
            #expect(record.key?.text == LargeFixtureRecord.key(index), "\(name) record \(index)")
            #expect(record.value?.text == LargeFixtureRecord.value(index), "\(name) record \(index)")
            #expect(record.timestamp == LargeFixtureRecord.timestamp(index))
            #expect(record.headers.map(\.key) == ["n"] && record.headers.first?.value?.text == "\(index)")
        }
    }

    @Test(arguments: fixtures)
    func everyRecordDecodes(name: String, compression: CompressionType) throws {
        let batch = try batch(name)
        try batch.validateProducedBatch()
        #expect(batch.attributes.compression == compression)
        #expect(batch.recordCount == Int32(LargeFixtureRecord.count))
        expectTheFormula(try batch.decodeRecords(), name)
    }

    @Test func librdkafkaShapes() throws {
        // snappy: one bare block (no snappy-java header) declaring all 78,546 bytes.
        let snappy = try batch("confluent-snappy-large").recordsSection
        #expect(snappy.getBytes(at: 0, length: 3) == [0xD2, 0xE5, 0x04])
        // lz4: Kafka's frame header, then more than one block.
        let lz4 = try batch("confluent-lz4-large").recordsSection
        #expect(lz4.getBytes(at: 0, length: 7) == [0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82])
        let first = Int(try #require(lz4.getInteger(at: 7, endianness: .little, as: UInt32.self)))
        #expect(lz4.getInteger(at: 11 + first, endianness: .little, as: UInt32.self) != 0)
    }

    @Test(arguments: fixtures)
    func gregorRebuildsTheSameRecords(name: String, compression: CompressionType) throws {
        // Rebuilt with Gregor's encoder: about as small as librdkafka's, and the same records come back.
        let original = try batch(name)
        var builder = RecordBatchBuilder(compression: compression)
        for record in try original.decodeRecords() {
            builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp)
        }
        let rebuilt = try builder.build()
        #expect(Double(rebuilt.sizeInBytes) < Double(original.sizeInBytes) * 1.25)
        expectTheFormula(try rebuilt.decodeRecords(), name)
    }
}
