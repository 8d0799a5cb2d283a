import Foundation
import NIOCore
import Testing
@testable import KafkaRecords

/// Record batches that real clients wrote (see Fixtures/README.md), decoded and compared with what an
/// independent decoder (kafka-frames' kdecode.py) read from the same bytes.
@Suite struct FixtureTests {
    static let fixtures: [Fixture] = (try? Fixture.loadAll()) ?? []

    @Test func fixturesAreThere() {
        #expect(Self.fixtures.count == 16)
    }

    @Test(arguments: fixtures)
    func headersMatchTheIndependentDecoder(fixture: Fixture) throws {
        var sequence = RecordBatchSequence(try fixture.bytes())
        var batches: [RecordBatch] = []
        while let batch = sequence.next() { batches.append(batch) }
        #expect(sequence.trailingBytes == 0 && sequence.corruption == nil)
        #expect(batches.count == fixture.batches.count)
        for (batch, want) in zip(batches, fixture.batches) {
            #expect(batch.baseOffset == want.baseOffset)
            #expect(batch.batchLength == want.batchLength)
            #expect(batch.partitionLeaderEpoch == want.partitionLeaderEpoch)
            #expect(batch.attributes.rawValue == want.attributes)
            #expect(batch.attributes.compression.description == want.compression)
            #expect(batch.attributes.isTransactional == want.transactional)
            #expect(batch.attributes.isControl == want.control)
            #expect(batch.lastOffsetDelta == want.lastOffsetDelta)
            #expect(batch.baseTimestamp == want.baseTimestamp && batch.maxTimestamp == want.maxTimestamp)
            #expect(batch.producerId == want.producerId && batch.producerEpoch == want.producerEpoch)
            #expect(batch.baseSequence == want.baseSequence)
            #expect(batch.recordCount == want.recordCount)
            #expect(want.crcOk)
            try batch.validate()
            if !fixture.name.contains("fetch") { try batch.validateProducedBatch() }
        }
    }

    @Test(arguments: fixtures)
    func recordsMatchTheIndependentDecoder(fixture: Fixture) throws {
        var sequence = RecordBatchSequence(try fixture.bytes())
        for want in fixture.batches {
            guard let batch = sequence.next() else {
                Issue.record("\(fixture.name): fewer batches than expected")
                return
            }
            guard let wantRecords = want.records else {
                // No records in the expectations: zstd, which Gregor does not read.
                #expect(throws: RecordBatchError.unsupportedCompression(batch.attributes.compression)) { try batch.records() }
                continue
            }
            let records = try batch.decodeRecords()
            #expect(records.count == wantRecords.count)
            for (index, (record, expected)) in zip(records, wantRecords).enumerated() {
                #expect(record.offset == batch.baseOffset + Int64(index))
                #expect(record.key?.bytes == expected.key?.bytes, "\(fixture.name) record \(index) key")
                #expect(record.value?.bytes == expected.value?.bytes, "\(fixture.name) record \(index) value")
                #expect(record.headers.map(\.key) == expected.headers.map(\.key))
                #expect(record.headers.map { $0.value?.bytes } == expected.headers.map { $0.value?.bytes })
            }
            if !batch.attributes.isControl, let first = records.first {
                #expect(first.timestamp == batch.baseTimestamp)
                #expect(records.map(\.timestamp).max() == batch.maxTimestamp)
            }
        }
    }

    @Test func transactionMarkersInAFetchResponse() throws {
        let fixture = try #require(Self.fixtures.first { $0.name == "confluent-fetch-commit-abort" })
        let batches = Array(RecordBatchSequence(try fixture.bytes()))
        #expect(batches.map(\.attributes.isControl) == [false, true, false, true])
        var markers: [EndTransactionMarker] = []
        for batch in batches where batch.attributes.isControl {
            let records = try batch.decodeRecords()
            #expect(records.count == 1)
            markers.append(try EndTransactionMarker(record: records[0]))
            #expect(batch.producer == ProducerIdentity(id: 2, epoch: 0))
        }
        #expect(markers == [
            EndTransactionMarker(type: .commit, coordinatorEpoch: 0), EndTransactionMarker(type: .abort, coordinatorEpoch: 0),
        ])
        #expect(try batches[2].decodeRecords().map { $0.value?.text } == ["aborted-0"])
    }

    @Test func gregorWritesWhatClientsRead() throws {
        // Rebuild a client's batch with our builder: same header fields and records, so the bytes match
        // except for the gzip stream (compressor settings differ) and the CRC that covers it.
        let fixture = try #require(Self.fixtures.first { $0.name == "confluent-idempotent" })
        let original = try #require(RecordBatchSequence(try fixture.bytes()).first { _ in true })
        var builder = RecordBatchBuilder(
            baseOffset: original.baseOffset, producer: original.producer, baseSequence: original.baseSequence,
            partitionLeaderEpoch: original.partitionLeaderEpoch)
        for record in try original.decodeRecords() {
            builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp)
        }
        #expect(try builder.build().bytes == original.bytes)
    }
}

/// One entry of Fixtures/expectations.json.
struct Fixture: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    var about: String
    var batches: [Batch]

    var testDescription: String { name }

    struct Batch: Decodable, Sendable {
        var baseOffset: Int64, batchLength: Int32, partitionLeaderEpoch: Int32, attributes: Int16
        var compression: String, transactional: Bool, control: Bool, lastOffsetDelta: Int32
        var producerId: Int64, producerEpoch: Int16, baseSequence: Int32, recordCount: Int32, crcOk: Bool
        var baseTimestamp: Int64, maxTimestamp: Int64
        var records: [Record]?
    }

    struct Record: Decodable, Sendable {
        var key: Bytes?
        var value: Bytes?
        var headers: [Header]
    }

    /// `["name", value]`, value as `Bytes` or null.
    struct Header: Decodable, Sendable {
        var key: String
        var value: Bytes?
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            key = try container.decode(String.self)
            value = try container.decodeIfPresent(Bytes.self)
        }
    }

    /// A string for printable UTF-8, `{"hex": "..."}` otherwise.
    struct Bytes: Decodable, Sendable {
        var bytes: [UInt8]
        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                bytes = Array(text.utf8)
                return
            }
            let hex = try decoder.container(keyedBy: HexKey.self).decode(String.self, forKey: .hex)
            var result: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
                result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
                index = next
            }
            bytes = result
        }
        enum HexKey: CodingKey { case hex }
    }

    static func directory() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    static func loadAll() throws -> [Fixture] {
        let data = try Data(contentsOf: directory().appendingPathComponent("expectations.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode([Fixture].self, from: data)
    }

    func bytes() throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: Self.directory().appendingPathComponent("\(name).bin")))
    }
}
