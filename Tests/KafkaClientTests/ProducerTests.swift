import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import KafkaClient

@Suite("Producer: batching, acks, idempotence, retries", .timeLimit(.minutes(1)))
struct ProducerTests {
    func producer(_ cluster: FakeCluster, _ configure: (inout ProducerConfiguration) -> Void = { _ in }) throws -> KafkaProducer {
        var configuration = ProducerConfiguration()
        configure(&configuration)
        return try KafkaProducer(clientConfiguration: testConfiguration(cluster.bootstrap), configuration: configuration)
    }

    /// The batches the fake received in Produce requests, in order.
    func producedBatches(_ cluster: FakeCluster) throws -> [(TopicPartition, RecordBatch)] {
        try cluster.received(.produce).flatMap { request in
            try request.decode(ProduceRequest.self).topicData.flatMap { topic in
                topic.partitionData.compactMap { data -> (TopicPartition, RecordBatch)? in
                    var batches = RecordBatchSequence(data.records?.buffer ?? ByteBuffer())
                    return batches.next().map { (TopicPartition(topic.name, data.index), $0) }
                }
            }
        }
    }

    @Test func sendReturnsOffsetsInOrder() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("orders", partitions: 1)
            let producer = try producer(cluster)
            var offsets: [Int64] = []
            for index in 0..<3 {
                let metadata = try await producer.send(topic: "orders", value: ByteBuffer(string: "v\(index)"), timestamp: 42)
                #expect(metadata.partition == 0)
                #expect(metadata.timestamp == 42)
                offsets.append(metadata.offset)
            }
            #expect(offsets == [0, 1, 2])
            #expect(cluster.records(TopicPartition("orders", 0)).map { String(buffer: $0.value!) } == ["v0", "v1", "v2"])
            await producer.close()
        }
    }

    @Test func lingerGathersRecordsIntoOneBatch() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster) { $0.linger = .seconds(30) }
            let delivered = Mutex<[Int64]>([])
            for index in 0..<100 {
                try await producer.send(ProducerRecord(topic: "t", key: nil, value: "value-\(index)")) { result in
                    if case .success(let metadata) = result { delivered.withLock { $0.append(metadata.offset) } }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(cluster.received(.produce).isEmpty, "nothing is sent while the batch lingers")
            await producer.flush()
            #expect(cluster.received(.produce).count == 1)
            #expect(try producedBatches(cluster).first?.1.recordCount == 100)
            #expect(delivered.withLock { $0.sorted() } == Array(0..<100))
            await producer.close()
        }
    }

    @Test func batchSizeCutsBatches() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster) {
                $0.batchSize = 1024
                $0.linger = .milliseconds(1)
            }
            let value = ByteBuffer(repeating: 7, count: 100)
            for _ in 0..<50 { try await producer.send(ProducerRecord(topic: "t", value: value), onDelivery: nil) }
            await producer.flush()
            let batches = try producedBatches(cluster)
            #expect(batches.count >= 5)
            #expect(batches.allSatisfy { $0.1.sizeInBytes <= 1024 + 200 })
            #expect(batches.reduce(0) { $0 + Int($1.1.recordCount) } == 50)
            #expect(cluster.records(TopicPartition("t", 0)).count == 50)
            await producer.close()
        }
    }

    @Test func acksZeroExpectsNoResponse() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster) { $0.acks = .none }
            let metadata = try await producer.send(topic: "t", value: ByteBuffer(string: "x"))
            #expect(metadata.offset == -1)
            #expect(await eventually { cluster.records(TopicPartition("t", 0)).count == 1 })
            #expect(try cluster.received(.produce).first?.decode(ProduceRequest.self).acks == 0)
            #expect(cluster.received(.initProducerId).isEmpty, "idempotence needs acks=all")
            await producer.close()
        }
    }

    @Test func keyedRecordsLandWhereJavaPutsThem() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 7)
            let producer = try producer(cluster)
            for key in ["21", "foobar", "abc", "user-1", "user-2"] {
                let metadata = try await producer.send(topic: "t", key: ByteBuffer(string: key), value: nil)
                #expect(metadata.partition == Partitioner.partition(forKey: ByteBuffer(string: key), partitionCount: 7))
            }
            #expect(try await producer.send(topic: "t", key: ByteBuffer(string: "21"), value: nil).partition == 3)
            await producer.close()
        }
    }

    @Test func idempotentBatchesCarryProducerIdAndSequences() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster) { $0.batchSize = 512 }
            for index in 0..<20 {
                try await producer.send(ProducerRecord(topic: "t", key: nil, value: "record-\(index)-padding-padding"), onDelivery: nil)
            }
            await producer.flush()
            let batches = try producedBatches(cluster).map(\.1)
            #expect(cluster.received(.initProducerId).count == 1)
            #expect(batches.count > 1)
            #expect(batches.allSatisfy { $0.producerId == 1000 && $0.producerEpoch == 0 })
            var expected: Int32 = 0
            for batch in batches {
                #expect(batch.baseSequence == expected)
                #expect((try? batch.validate()) != nil, "CRC still valid after stamping")
                expected += batch.recordCount
            }
            await producer.close()
        }
    }

    @Test func retriesAfterLostResponseWithTheSameSequence() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            // The first Produce is written but its answer is lost (the connection closes).
            let first = Atomic<Bool>(true)
            cluster.addHook { frame, broker in
                guard frame.apiKey == .produce, first.exchange(false, ordering: .relaxed) else { return nil }
                _ = cluster.produce(frame: frame, broker: broker)
                return .close
            }
            let producer = try producer(cluster)
            let metadata = try await producer.send(topic: "t", value: ByteBuffer(string: "once"))
            #expect(metadata.offset == 0)
            let sequences = try producedBatches(cluster).map(\.1.baseSequence)
            #expect(sequences == [0, 0])
            #expect(cluster.records(TopicPartition("t", 0)).count == 1, "the retry was deduplicated")
            await producer.close()
        }
    }

    @Test func outOfOrderAfterAnEarlierFailureIsRetriedInOrder() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            // Refuse the first Produce with a retriable error; pipelined later batches then get
            // OUT_OF_ORDER_SEQUENCE_NUMBER from the fake and must be retried after it, in order.
            let first = Atomic<Bool>(true)
            cluster.addHook { frame, _ in
                guard frame.apiKey == .produce, first.exchange(false, ordering: .relaxed) else { return nil }
                var response = ProduceResponse()
                let request = try? frame.decode(ProduceRequest.self)
                response.responses = (request?.topicData ?? []).map { topic in
                    .init(name: topic.name, partitionResponses: topic.partitionData.map {
                        var result = ProduceResponse.PartitionProduceResponse()
                        result.index = $0.index
                        result.errorCode = ErrorCode.notEnoughReplicas.rawValue
                        return result
                    })
                }
                return .delayed(.milliseconds(20), .response(response, to: frame))
            }
            let producer = try producer(cluster) {
                $0.batchSize = 256
                $0.linger = .milliseconds(0)
            }
            let values = (0..<40).map { "value-\($0)-with-some-padding" }
            for value in values {
                try await producer.send(ProducerRecord(topic: "t", key: nil, value: value), onDelivery: nil)
            }
            await producer.flush()
            let stored = cluster.records(TopicPartition("t", 0)).map { String(buffer: $0.value!) }
            #expect(stored == values)
            await producer.close()
        }
    }

    @Test func notLeaderRefreshesMetadataAndFollowsTheLeader() async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.createTopic("t", partitions: 1, leaders: [0])
            let producer = try producer(cluster)
            #expect(try await producer.send(topic: "t", value: ByteBuffer(string: "a")).offset == 0)
            cluster.setLeader(TopicPartition("t", 0), to: 1)
            #expect(try await producer.send(topic: "t", value: ByteBuffer(string: "b")).offset == 1)
            let brokers = cluster.received(.produce).map(\.broker)
            #expect(brokers.first == 0)
            #expect(brokers.last == 1)
            #expect(cluster.received(.metadata).count >= 2)
            await producer.close()
        }
    }

    @Test func unknownTopicFailsAfterMaxBlock() async throws {
        try await withFakeCluster { cluster in
            let producer = try producer(cluster) { $0.maxBlock = .milliseconds(200) }
            let error = await clientError { _ = try await producer.send(topic: "missing", value: nil) }
            #expect(error?.code == .unknownTopicOrPartition)
            await producer.close()
        }
    }

    @Test func sendAfterCloseFails() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster)
            _ = try await producer.send(topic: "t", value: nil)
            await producer.close()
            let error = await clientError { _ = try await producer.send(topic: "t", value: nil) }
            #expect(error?.code == .closed)
        }
    }
}
