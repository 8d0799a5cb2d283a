import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

@Suite("FetchedRecords: turning fetched bytes into records")
struct FetchedRecordsTests {
    let tp = TopicPartition("t", 0)

    /// Batches laid end to end from `baseOffset`, as a fetch returns them.
    func log(_ batches: [(values: [String], producer: ProducerIdentity, transactional: Bool)], control: [Int: ControlRecordType] = [:]) throws -> ByteBuffer {
        var bytes = ByteBuffer()
        var offset: Int64 = 0
        for (index, spec) in batches.enumerated() {
            var batch: RecordBatch
            if let type = control[index] {
                batch = try RecordBatch.endTransactionMarker(
                    EndTransactionMarker(type: type, coordinatorEpoch: 0), producer: spec.producer, timestamp: 1, baseOffset: offset)
            } else {
                var builder = RecordBatchBuilder(
                    baseOffset: offset, producer: spec.producer, baseSequence: spec.producer.isIdempotent ? 0 : -1,
                    isTransactional: spec.transactional)
                for value in spec.values { builder.append(key: nil, value: ByteBuffer(string: value), timestamp: 1) }
                batch = try builder.build()
            }
            offset = batch.nextOffset
            bytes.writeImmutableBuffer(batch.bytes)
        }
        return bytes
    }

    func values(_ result: FetchedRecords.Result) -> [String] { result.records.map { $0.value.map { String(buffer: $0) } ?? "" } }

    @Test func skipsBelowPositionAndStopsBeforeAPartialTail() throws {
        var bytes = try log([(["a", "b", "c"], .none, false), (["d", "e"], .none, false)])
        bytes = bytes.getSlice(at: 0, length: bytes.readableBytes - 5) ?? bytes
        let result = try FetchedRecords.decode(bytes, topicPartition: tp, from: 1, checkCRCs: true)
        #expect(values(result) == ["b", "c"])
        #expect(result.nextOffset == 3)
    }

    @Test func corruptBatchIsAnError() throws {
        var bytes = try log([(["a"], .none, false)])
        bytes.setInteger(UInt8(0xff), at: bytes.readableBytes - 1)
        #expect(throws: KafkaClientError.self) { try FetchedRecords.decode(bytes, topicPartition: tp, from: 0, checkCRCs: true) }
    }

    @Test func readCommittedDropsAbortedTransactions() throws {
        let aborting = ProducerIdentity(id: 5, epoch: 0)
        let committing = ProducerIdentity(id: 6, epoch: 0)
        let bytes = try log(
            [
                (["aborted-1", "aborted-2"], aborting, true),  // offsets 0-1
                (["committed"], committing, true),  // 2
                ([], aborting, true),  // 3: ABORT marker for 5
                ([], committing, true),  // 4: COMMIT marker for 6
                (["plain"], .none, false),  // 5
            ],
            control: [2: .abort, 3: .commit])
        let committed = try FetchedRecords.decode(
            bytes, topicPartition: tp, from: 0, checkCRCs: true, abortedTransactions: [(producerId: 5, firstOffset: 0)])
        #expect(values(committed) == ["committed", "plain"])
        #expect(committed.nextOffset == 6)
        let uncommitted = try FetchedRecords.decode(bytes, topicPartition: tp, from: 0, checkCRCs: true)
        #expect(values(uncommitted) == ["aborted-1", "aborted-2", "committed", "plain"])
    }
}
