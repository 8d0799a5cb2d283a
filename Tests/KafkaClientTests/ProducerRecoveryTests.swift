import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import KafkaClient

@Suite("Producer: compression, duplicates, broken sequences, expiry", .timeLimit(.minutes(1)))
struct ProducerRecoveryTests {
    func producer(_ cluster: FakeCluster, _ configure: (inout ProducerConfiguration) -> Void = { _ in }) throws -> KafkaProducer {
        var configuration = ProducerConfiguration()
        configure(&configuration)
        return try KafkaProducer(clientConfiguration: testConfiguration(cluster.bootstrap), configuration: configuration)
    }

    /// A Produce answer with `code` for every partition of the request.
    static func answer(_ frame: KafkaRequestFrame, code: ErrorCode) -> FakeReply {
        let request = try? frame.decode(ProduceRequest.self)
        var response = ProduceResponse()
        response.responses = (request?.topicData ?? []).map { topic in
            .init(name: topic.name, partitionResponses: topic.partitionData.map {
                var result = ProduceResponse.PartitionProduceResponse()
                result.index = $0.index
                result.errorCode = code.rawValue
                result.baseOffset = -1
                return result
            })
        }
        return .response(response, to: frame)
    }

    @Test func gzipBatchesRoundTrip() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let producer = try producer(cluster) { $0.compression = .gzip }
            for index in 0..<50 {
                try await producer.send(ProducerRecord(topic: "t", key: "k", value: String(repeating: "z", count: 200) + "\(index)"), onDelivery: nil)
            }
            await producer.flush()
            await producer.close()
            let batch = try #require(try cluster.received(.produce).first?.decode(ProduceRequest.self).topicData.first?.partitionData.first?.records?.buffer)
            var batches = RecordBatchSequence(batch)
            let first = batches.next()
            #expect(first?.attributes.compression == .gzip)
            #expect(batch.readableBytes < 50 * 200 / 4, "gzip shrinks repetitive values")

            var configuration = ConsumerConfiguration()
            configuration.autoOffsetReset = .earliest
            let consumer = KafkaConsumer(clientConfiguration: try testConfiguration(cluster.bootstrap), configuration: configuration)
            await consumer.assign([TopicPartition("t", 0)])
            var records: [ConsumerRecord] = []
            for _ in 0..<20 where records.count < 50 { records += try await consumer.poll(timeout: .milliseconds(200)) }
            #expect(records.count == 50)
            #expect(records.last.flatMap { $0.value.map { String(buffer: $0) } }?.hasSuffix("49") == true)
            await consumer.close()
        }
    }

    @Test func duplicateSequenceCountsAsSuccess() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            cluster.addHook { frame, _ in frame.apiKey == .produce ? Self.answer(frame, code: .duplicateSequenceNumber) : nil }
            let producer = try producer(cluster)
            let metadata = try await producer.send(topic: "t", value: ByteBuffer(string: "x"))
            #expect(metadata.offset == -1)
            await producer.close()
        }
    }

    @Test func brokenSequenceFailsTheBatchAndStartsOverWithANewProducerId() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let first = Atomic<Bool>(true)
            cluster.addHook { frame, _ in
                guard frame.apiKey == .produce, first.exchange(false, ordering: .relaxed) else { return nil }
                return Self.answer(frame, code: .outOfOrderSequenceNumber)
            }
            let producer = try producer(cluster)
            let error = await clientError { _ = try await producer.send(topic: "t", value: ByteBuffer(string: "lost")) }
            #expect(error?.brokerError == .outOfOrderSequenceNumber)
            let metadata = try await producer.send(topic: "t", value: ByteBuffer(string: "after"))
            #expect(metadata.offset == 0)
            #expect(cluster.received(.initProducerId).count == 2)
            let last = try #require(try cluster.received(.produce).last?.decode(ProduceRequest.self))
            var batches = RecordBatchSequence(last.topicData[0].partitionData[0].records?.buffer ?? ByteBuffer())
            let next = batches.next()
            let batch = try #require(next)
            #expect(batch.producerId == 1001)
            #expect(batch.baseSequence == 0)
            await producer.close()
        }
    }

    @Test func unansweredRecordsExpireAfterDeliveryTimeout() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            cluster.addHook { frame, _ in frame.apiKey == .produce ? Self.answer(frame, code: .notEnoughReplicas) : nil }
            // Long enough for several retries (20 ms backoff) even on a busy machine.
            let producer = try producer(cluster) { $0.deliveryTimeout = .seconds(1) }
            let clock = ContinuousClock()
            let start = clock.now
            let error = await clientError { _ = try await producer.send(topic: "t", value: ByteBuffer(string: "x")) }
            #expect(error?.code == .deliveryTimedOut)
            #expect(clock.now - start < .seconds(5))
            #expect(cluster.received(.produce).count > 1, "retried until the delivery timeout")
            await producer.close()
        }
    }

    @Test func metadataIsCachedBetweenSends() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 2)
            let producer = try producer(cluster)
            for _ in 0..<20 { _ = try await producer.send(topic: "t", value: nil) }
            #expect(cluster.received(.metadata).count <= 2)
            await producer.close()
        }
    }

    @Test func bootstrapSkipsAnUnreachableServer() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            let configuration = try testConfiguration(["127.0.0.1:1"] + cluster.bootstrap)
            let client = ClusterClient(configuration: configuration)
            let metadata = try await client.refreshMetadata()
            #expect(metadata.topics["t"]?.partitions.count == 1)
            #expect(metadata.clusterId == "fake-cluster-id")
            await client.close()
            let error = await clientError { _ = try await client.refreshMetadata() }
            #expect(error?.code == .closed)
        }
    }

    @Test func noReachableBrokerIsOneClearError() async throws {
        var configuration = try testConfiguration(["127.0.0.1:1", "127.0.0.1:2"])
        configuration.connectTimeout = .seconds(1)
        let client = ClusterClient(configuration: configuration)
        let error = await clientError { _ = try await client.refreshMetadata() }
        #expect(error?.code == .brokerNotAvailable)
        #expect(error?.description.contains("127.0.0.1:2") == true)
        await client.close()
    }
}
