import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import Broker

/// The produce and fetch paths through the router, as a client sees them.
@Suite struct ProduceFetchTests {
    @Test func producedBatchesAreFetchedAtTheirOffsets() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("orders")
        let first = try await broker.produce("orders", batch: try makeBatch(count: 3))
        let second = try await broker.produce("orders", batch: try makeBatch(count: 2, first: 3))
        #expect(first.errorCode == 0 && second.errorCode == 0)
        #expect(first.baseOffset == 0)
        #expect(second.baseOffset == 3)
        #expect(first.logAppendTimeMs == -1)
        let fetched = try await broker.fetch("orders", offset: 0)
        #expect(fetched.errorCode == 0)
        #expect(fetched.highWatermark == 5)
        #expect(fetched.logStartOffset == 0)
        let records = try fetched.decodedRecords()
        #expect(records.map(\.offset) == [0, 1, 2, 3, 4])
        #expect(records.map { String(buffer: $0.value!) } == (0..<5).map { "value-\($0)" })
        #expect(records[4].timestamp == 1_700_000_000_004)
        #expect(records[0].headers.first?.key == "h")
    }

    @Test func fetchStartsAtTheBatchHoldingTheOffset() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("t")
        _ = try await broker.produce("t", batch: try makeBatch(count: 10))
        let fetched = try await broker.fetch("t", offset: 7)
        #expect(try fetched.decodedRecords().first?.offset == 0, "the whole batch is returned; the client skips")
        let atEnd = try await broker.fetch("t", offset: 10)
        #expect(atEnd.errorCode == 0)
        #expect(try atEnd.decodedRecords().isEmpty)
    }

    @Test func offsetsOutsideTheLogAreOutOfRange() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("t")
        _ = try await broker.produce("t", batch: try makeBatch(count: 2))
        let beyond = try await broker.fetch("t", offset: 50)
        #expect(ErrorCode(beyond.errorCode) == .offsetOutOfRange)
        #expect(beyond.highWatermark == 2)
        let negative = try await broker.fetch("t", offset: -1)
        #expect(ErrorCode(negative.errorCode) == .offsetOutOfRange)
    }

    /// max.wait.ms is ten minutes and the test may take two: an answer at all can only mean the
    /// append woke the fetch. (No tight timing: on a busy machine this test took 30 s.)
    @Test(.timeLimit(.minutes(2))) func longPollWakesWhenDataArrives() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("wait")
        async let fetched = broker.fetch("wait", offset: 0, maxWaitMs: 600_000, minBytes: 1)
        try await Task.sleep(for: .milliseconds(100))
        _ = try await broker.produce("wait", batch: try makeBatch(count: 1))
        let result = try await fetched
        #expect(try result.decodedRecords().count == 1)
    }

    @Test func longPollAnswersEmptyAtMaxWait() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("idle")
        let started = ContinuousClock.now
        let result = try await broker.fetch("idle", offset: 0, maxWaitMs: 200, minBytes: 1)
        let waited = ContinuousClock.now - started
        #expect(result.errorCode == 0)
        #expect(try result.decodedRecords().isEmpty)
        #expect(waited >= .milliseconds(190), "held for max.wait.ms")
    }

    @Test func maxBytesStillReturnsTheFirstBatchWhole() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("big")
        let batch = try makeBatch(count: 50)
        _ = try await broker.produce("big", batch: batch)
        let fetched = try await broker.fetch("big", offset: 0, maxBytes: 100)
        #expect(fetched.records?.count == batch.sizeInBytes, "KIP-74: the first batch comes whole")
    }

    @Test func badProducesGetKafkasErrors() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("t", configs: ["max.message.bytes": "2000"])
        var corrupt = try makeBatch(count: 1).bytes
        corrupt.setInteger(UInt8(0xFF), at: corrupt.writerIndex - 1)
        #expect(try await code(broker, corrupt) == .corruptMessage)
        var two = try makeBatch(count: 1).bytes
        var other = try makeBatch(count: 1).bytes
        two.writeBuffer(&other)
        #expect(try await code(broker, two) == .invalidRecord)
        #expect(try await code(broker, try makeBatch(count: 100).bytes) == .messageTooLarge)
        var transactional = RecordBatchBuilder(producer: ProducerIdentity(id: 5, epoch: 0), baseSequence: 0, isTransactional: true)
        transactional.append(key: nil, value: ByteBuffer(string: "x"), timestamp: 0)
        #expect(try await code(broker, try transactional.build().bytes) == .invalidTxnState)
        let unknown = try await broker.produce("missing", batch: try makeBatch(count: 1))
        #expect(ErrorCode(unknown.errorCode) == .unknownTopicOrPartition)
        let badAcks = try await broker.produce("t", batch: try makeBatch(count: 1), acks: 2)
        #expect(ErrorCode(badAcks.errorCode) == .invalidRequiredAcks)
    }

    private func code(_ broker: TestBroker, _ bytes: ByteBuffer) async throws -> ErrorCode {
        let data = ProduceRequest.PartitionProduceData(index: 0, records: .bytes(bytes))
        let request = ProduceRequest(acks: 1, timeoutMs: 1000, topicData: [.init(name: "t", partitionData: [data])])
        let response = try await broker.send(request).responses[0].partitionResponses[0]
        #expect(response.errorMessage?.isEmpty == false)
        return ErrorCode(response.errorCode)
    }

    /// Kafka (3.7+, `Partition.effectiveMinIsr`) caps min.insync.replicas at the replication factor, so
    /// a single replica takes acks=all writes even with min.insync.replicas=2. NOT_ENOUGH_REPLICAS
    /// needs a lost follower: Tests/Interop/test_replication.py drives it with real brokers.
    @Test func minInsyncReplicasIsCappedAtTheReplicationFactor() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("safe", configs: ["min.insync.replicas": "2"])
        let all = try await broker.produce("safe", batch: try makeBatch(count: 1), acks: -1)
        #expect(all.errorCode == 0)
        let one = try await broker.produce("safe", batch: try makeBatch(count: 1), acks: 1)
        #expect(one.errorCode == 0)
    }

    @Test func acksZeroGetsNoAnswerButIsWritten() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("fire")
        await #expect(throws: TestBrokerError.self) { try await broker.produce("fire", batch: try makeBatch(count: 1), acks: 0) }
        #expect(try await broker.fetch("fire", offset: 0).decodedRecords().count == 1)
    }

    @Test func idempotentRetriesGetTheOriginalOffsets() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("idem")
        let id = try await broker.send(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 0))
        #expect(id.errorCode == 0)
        let producer = ProducerIdentity(id: id.producerId, epoch: id.producerEpoch)
        let first = try await broker.produce("idem", batch: try makeBatch(count: 2, producer: producer, sequence: 0))
        _ = try await broker.produce("idem", batch: try makeBatch(count: 2, first: 2, producer: producer, sequence: 2))
        let retry = try await broker.produce("idem", batch: try makeBatch(count: 2, producer: producer, sequence: 0))
        #expect(retry.errorCode == 0)
        #expect(retry.baseOffset == first.baseOffset)
        let gap = try await broker.produce("idem", batch: try makeBatch(count: 1, producer: producer, sequence: 9))
        #expect(ErrorCode(gap.errorCode) == .outOfOrderSequenceNumber)
        #expect(try await broker.fetch("idem", offset: 0).highWatermark == 4)
    }

    @Test func logAppendTimeTopicsStampTheBrokersClock() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("stamped", configs: ["message.timestamp.type": "LogAppendTime"])
        let response = try await broker.produce("stamped", batch: try makeBatch(count: 2, timestamp: 1000))
        #expect(response.logAppendTimeMs > 1_700_000_000_000)
        let records = try await broker.fetch("stamped", offset: 0).decodedRecords()
        #expect(records.allSatisfy { $0.timestamp == response.logAppendTimeMs })
    }
}

/// DeleteRecords moves the log start offset; fetches below it are out of range.
@Suite struct DeleteRecordsTests {
    @Test func logStartOffsetMovesForward() async throws {
        let broker = try await TestBroker.start()
        try await broker.createTopic("trim")
        _ = try await broker.produce("trim", batch: try makeBatch(count: 5))
        _ = try await broker.produce("trim", batch: try makeBatch(count: 5, first: 5))
        func delete(_ offset: Int64) async throws -> DeleteRecordsResponse.DeleteRecordsPartitionResult {
            let request = DeleteRecordsRequest(topics: [.init(name: "trim", partitions: [.init(partitionIndex: 0, offset: offset)])], timeoutMs: 1000)
            return try await broker.send(request).topics[0].partitions[0]
        }
        let trimmed = try await delete(5)
        #expect(trimmed.errorCode == 0)
        #expect(trimmed.lowWatermark == 5)
        #expect(ErrorCode(try await delete(11).errorCode) == .offsetOutOfRange)
        #expect(ErrorCode(try await broker.fetch("trim", offset: 2).errorCode) == .offsetOutOfRange)
        let fetched = try await broker.fetch("trim", offset: 5)
        #expect(fetched.logStartOffset == 5)
        #expect(try fetched.decodedRecords().first?.offset == 5)
        #expect(try await delete(-1).lowWatermark == 10, "-1 means the high watermark")
    }
}
