import KafkaProtocol
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import KafkaClient

@Suite("Consumer: seek, skip, partial batches, resets, leaders", .timeLimit(.minutes(1)))
struct ConsumerTests {
    let tp = TopicPartition("events", 0)

    func consumer(_ cluster: FakeCluster, _ configure: (inout ConsumerConfiguration) -> Void = { _ in }) throws -> KafkaConsumer {
        var configuration = ConsumerConfiguration()
        configuration.fetchMaxWait = .milliseconds(50)
        configure(&configuration)
        return KafkaConsumer(clientConfiguration: try testConfiguration(cluster.bootstrap), configuration: configuration)
    }

    /// Polls until `count` records arrived or `timeout` passed.
    func pollRecords(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(5)) async throws -> [ConsumerRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var records: [ConsumerRecord] = []
        while records.count < count, clock.now < deadline {
            records += try await consumer.poll(timeout: .milliseconds(200))
        }
        return records
    }

    func values(_ records: [ConsumerRecord]) -> [String] { records.map { $0.value.map { String(buffer: $0) } ?? "null" } }

    @Test func seekToBeginningReadsEverythingInOrder() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a", "b", "c"], keys: ["k1", nil, "k3"])
            cluster.append(tp, values: ["d", "e"])
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            let records = try await pollRecords(consumer, count: 5)
            #expect(values(records) == ["a", "b", "c", "d", "e"])
            #expect(records.map(\.offset) == [0, 1, 2, 3, 4])
            #expect(records[0].key.map { String(buffer: $0) } == "k1")
            #expect(records[1].key == nil)
            #expect(records[0].timestampType == .createTime)
            #expect(try await consumer.position(tp) == 5)
            #expect(await consumer.highWatermark(tp) == 5)
            #expect(await consumer.lag(tp) == 0)
            await consumer.close()
        }
    }

    @Test func seekInsideABatchSkipsRecordsBelowThePosition() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a", "b", "c", "d"])
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seek(tp, to: 2)
            let records = try await pollRecords(consumer, count: 2)
            #expect(values(records) == ["c", "d"])
            await consumer.close()
        }
    }

    @Test func controlBatchesAreSkipped() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a"])
            let marker = try RecordBatch.endTransactionMarker(
                EndTransactionMarker(type: .commit, coordinatorEpoch: 0), producer: ProducerIdentity(id: 7, epoch: 0), timestamp: 1)
            cluster.append(tp, batch: marker)
            cluster.append(tp, values: ["b"])
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            let records = try await pollRecords(consumer, count: 2)
            #expect(values(records) == ["a", "b"])
            #expect(records.map(\.offset) == [0, 2])
            await consumer.close()
        }
    }

    @Test func trailingPartialBatchIsFetchedAgain() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["first", "second"])
            cluster.append(tp, values: ["third", "fourth"])
            // Cut every fetch answer 10 bytes into its second batch, as a broker does at max.bytes.
            cluster.addHook { frame, broker in
                guard frame.apiKey == .fetch, case .frame(var bytes)? = try? cluster.fetch(frame, broker: broker) else { return nil }
                bytes.moveReaderIndex(forwardBy: 4)  // the size prefix
                var response = try? FetchResponse.decodeFrame(bytes, version: frame.apiVersion).response
                guard var records = response?.responses.first?.partitions.first?.records?.buffer else { return nil }
                var walk = RecordBatchSequence(records)
                if let first = walk.next(), records.readableBytes > first.sizeInBytes + 10 {
                    records = records.getSlice(at: records.readerIndex, length: first.sizeInBytes + 10) ?? records
                    response?.responses[0].partitions[0].records = .bytes(records)
                }
                return response.map { .response($0, to: frame) }
            }
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            let records = try await pollRecords(consumer, count: 4)
            #expect(values(records) == ["first", "second", "third", "fourth"])
            #expect(cluster.received(.fetch).count >= 2)
            await consumer.close()
        }
    }

    @Test func outOfRangeResetsToEarliest() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a", "b"])
            let consumer = try consumer(cluster) { $0.autoOffsetReset = .earliest }
            await consumer.assign([tp])
            try await consumer.seek(tp, to: 100)
            let records = try await pollRecords(consumer, count: 2)
            #expect(values(records) == ["a", "b"])
            await consumer.close()
        }
    }

    @Test func outOfRangeWithResetNoneFails() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a"])
            let consumer = try consumer(cluster) { $0.autoOffsetReset = .none }
            await consumer.assign([tp])
            try await consumer.seek(tp, to: 100)
            let error = await clientError { _ = try await consumer.poll(timeout: .seconds(2)) }
            #expect(error?.code == .offsetOutOfRange)
            #expect(error?.brokerError == .offsetOutOfRange)
            await consumer.close()
        }
    }

    @Test func latestByDefaultSeesOnlyNewRecords() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["old"])
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            #expect(try await consumer.position(tp) == 1)
            cluster.append(tp, values: ["new"])
            #expect(values(try await pollRecords(consumer, count: 1)) == ["new"])
            await consumer.close()
        }
    }

    @Test func seekByTimestamp() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp, values: ["a", "b", "c"], timestamp: 1000)  // timestamps 1000, 1001, 1002
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seek(toTimestamp: 1001)
            #expect(try await consumer.position(tp) == 1)
            try await consumer.seek(toTimestamp: 5000)
            #expect(try await consumer.position(tp) == 3)
            await consumer.close()
        }
    }

    @Test(arguments: [Int16(12), 16])
    func followsLeaderChanges(fetchVersion: Int16) async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.state.withLock { $0.apiRanges[.fetch] = 0...fetchVersion }
            cluster.createTopic("events", partitions: 1, leaders: [0])
            cluster.append(tp, values: ["a"])
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            #expect(values(try await pollRecords(consumer, count: 1)) == ["a"])
            cluster.setLeader(tp, to: 1)
            cluster.append(tp, values: ["b"])
            #expect(values(try await pollRecords(consumer, count: 1)) == ["b"])
            let fetches = cluster.received(.fetch)
            #expect(fetches.contains { $0.broker == 1 })
            #expect(fetches.allSatisfy { $0.version == fetchVersion })
            await consumer.close()
        }
    }

    @Test func producedRecordsComeBackWithHeaders() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            let producer = try KafkaProducer(clientConfiguration: testConfiguration(cluster.bootstrap))
            _ = try await producer.send(
                topic: "events", key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v"),
                headers: [("trace", ByteBuffer(string: "1")), ("empty", nil)], timestamp: 77)
            await producer.close()
            let consumer = try consumer(cluster)
            await consumer.assign([tp])
            try await consumer.seekToBeginning()
            let record = try #require(try await pollRecords(consumer, count: 1).first)
            #expect(record.timestamp == 77)
            #expect(record.headers.count == 2)
            #expect(record.headers[0].key == "trace")
            #expect(record.headers[1].value == nil)
            await consumer.close()
        }
    }
}
