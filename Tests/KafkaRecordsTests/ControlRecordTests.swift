import NIOCore
import Testing
@testable import KafkaRecords

@Suite struct ControlRecordTests {
    @Test(arguments: [ControlRecordType.commit, .abort])
    func markerRoundTrip(type: ControlRecordType) throws {
        let producer = ProducerIdentity(id: 77, epoch: 3)
        let batch = try RecordBatch.endTransactionMarker(
            EndTransactionMarker(type: type, coordinatorEpoch: 9), producer: producer, timestamp: 1_000,
            baseOffset: 500, partitionLeaderEpoch: 4)
        try batch.validate()
        #expect(batch.attributes.isControl && batch.attributes.isTransactional)
        #expect(batch.producer == producer && batch.baseSequence == -1)
        #expect(batch.baseOffset == 500 && batch.partitionLeaderEpoch == 4 && batch.recordCount == 1)
        let records = try batch.decodeRecords()
        #expect(records.count == 1)
        #expect(try records[0].controlKey() == ControlRecordKey(type: type))
        #expect(try EndTransactionMarker(record: records[0]) == EndTransactionMarker(type: type, coordinatorEpoch: 9))
        #expect(records[0].key?.bytes == [0, 0, 0, UInt8(type.rawValue)])
        #expect(records[0].value?.bytes == [0, 0, 0, 0, 0, 9])
    }

    @Test func keyTypes() throws {
        #expect(try ControlRecordKey(parsing: ByteBuffer(bytes: [0, 0, 0, 2])).type == .leaderChange)
        #expect(try ControlRecordKey(parsing: ByteBuffer(bytes: [0, 0, 0, 6])).type == .kraftVoters)
        let unknown = try ControlRecordKey(parsing: ByteBuffer(bytes: [0, 1, 0x7F, 0x00, 0xEE]))
        #expect(unknown.version == 1 && unknown.type.rawValue == 0x7F00)  // newer versions read by prefix
        #expect(unknown.type.description == "UNKNOWN(32512)" && !unknown.type.isTransactionMarker)
        #expect(ControlRecordType.commit.description == "COMMIT")
    }

    @Test func badKeysAndValues() throws {
        #expect(throws: RecordBatchError.self) { try ControlRecordKey(parsing: nil) }
        #expect(throws: RecordBatchError.self) { try ControlRecordKey(parsing: ByteBuffer(bytes: [0, 0, 1])) }
        #expect(throws: RecordBatchError.self) { try ControlRecordKey(parsing: ByteBuffer(bytes: [0xFF, 0xFF, 0, 1])) }
        let shortValue = Record(offset: 0, timestamp: 0, key: ControlRecordKey(type: .commit).encoded, value: ByteBuffer(bytes: [0, 0, 0]))
        #expect(throws: RecordBatchError.self) { try EndTransactionMarker(record: shortValue) }
        let notMarker = Record(offset: 0, timestamp: 0, key: ControlRecordKey(type: .leaderChange).encoded, value: nil)
        #expect(throws: RecordBatchError.self) { try EndTransactionMarker(record: notMarker) }
    }
}
