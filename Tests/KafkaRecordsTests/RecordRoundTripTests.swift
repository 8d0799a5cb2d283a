import NIOCore
import Testing
@testable import KafkaRecords

/// Builder → bytes → iterator: what a producer writes, a consumer reads back unchanged.
@Suite struct RecordRoundTripTests {
    struct Input {
        var key: ByteBuffer?
        var value: ByteBuffer?
        var headers: [RecordHeader] = []
        var timestamp: Int64
    }

    func roundTrip(
        _ inputs: [Input], compression: CompressionType = .none, baseOffset: Int64 = 0
    ) throws -> (RecordBatch, [Record]) {
        var builder = RecordBatchBuilder(baseOffset: baseOffset, compression: compression)
        for input in inputs {
            builder.append(key: input.key, value: input.value, headers: input.headers, timestamp: input.timestamp)
        }
        let estimated = builder.estimatedSizeInBytes
        let batch = try builder.build()
        try batch.validate()
        try batch.validateRecordFraming()
        if compression == .none { #expect(batch.sizeInBytes == estimated) }
        let decoded = try batch.decodeRecords()
        #expect(decoded.count == inputs.count)
        for (index, (record, input)) in zip(decoded, inputs).enumerated() {
            #expect(record.offset == baseOffset + Int64(index))
            #expect(record.timestamp == input.timestamp)
            #expect(record.key == input.key)
            #expect(record.value == input.value)
            #expect(record.attributes == 0)
            #expect(record.headers.count == input.headers.count)
            for (got, want) in zip(record.headers, input.headers) {
                #expect(got.key == want.key)
                #expect(got.value == want.value)
            }
        }
        return (batch, decoded)
    }

    static let mixed: [Input] = [
        Input(key: buffer("k0"), value: buffer("hello"), timestamp: 1_700_000_000_000),
        Input(key: nil, value: buffer("no key"), timestamp: 1_700_000_000_005),
        Input(key: buffer("tombstone"), value: nil, timestamp: 1_700_000_000_001),
        Input(key: nil, value: nil, headers: [("only", nil)], timestamp: 1_699_999_999_000),
        Input(key: ByteBuffer(), value: ByteBuffer(), timestamp: 1_700_000_000_002),
        Input(
            key: buffer("h"), value: buffer("with headers"),
            headers: [("trace-id", buffer("abc")), ("empty", ByteBuffer()), ("null", nil), ("ünïcødé", buffer("✓"))],
            timestamp: 1_700_000_000_003),
    ]

    @Test(arguments: [CompressionType.none, .gzip])
    func nullKeysValuesAndHeaders(compression: CompressionType) throws {
        let (batch, _) = try roundTrip(Self.mixed, compression: compression)
        #expect(batch.attributes.compression == compression)
        #expect(batch.recordCount == 6)
        #expect(batch.lastOffsetDelta == 5)
    }

    @Test func timestampsOutOfOrderGiveNegativeDeltasAndTheMaximum() throws {
        let (batch, records) = try roundTrip(Self.mixed)
        #expect(batch.baseTimestamp == 1_700_000_000_000)
        #expect(batch.maxTimestamp == 1_700_000_000_005)
        #expect(records[3].timestamp == 1_699_999_999_000)
    }

    @Test func offsetsFollowTheBaseOffset() throws {
        var (batch, records) = try roundTrip(Self.mixed, baseOffset: 4_000_000_000)
        #expect(records.map(\.offset) == (0..<6).map { 4_000_000_000 + Int64($0) })
        // The leader rewrites the base offset in place; the CRC does not cover it.
        batch.baseOffset = 42
        try batch.validate()
        #expect(try batch.decodeRecords().map(\.offset) == Array(42...47))
        #expect(batch.lastOffset == 47 && batch.nextOffset == 48)
    }

    @Test(arguments: [CompressionType.none, .gzip])
    func emptyBatch(compression: CompressionType) throws {
        let batch = try RecordBatchBuilder(compression: compression).build()
        try batch.validate()
        try batch.validateRecordFraming()
        #expect(batch.sizeInBytes == RecordBatch.headerSize)
        #expect(batch.recordCount == 0 && batch.lastOffsetDelta == 0)
        #expect(batch.baseTimestamp == -1 && batch.maxTimestamp == -1)
        #expect(try batch.decodeRecords().isEmpty)
        #expect(throws: RecordBatchError.invalidRecordCount(0)) { try batch.validateProducedBatch() }
    }

    @Test(arguments: [CompressionType.none, .gzip])
    func largeRecords(compression: CompressionType) throws {
        var generator = SeededGenerator(seed: 7)
        let big = randomBytes(3 << 20, using: &generator)  // 3 MiB of noise: gzip cannot shrink it
        let inputs = [
            Input(key: randomBytes(70_000, using: &generator), value: big, timestamp: 1),
            Input(key: buffer("small"), value: buffer("after the big one"), timestamp: 2),
        ]
        let (batch, records) = try roundTrip(inputs, compression: compression)
        #expect(batch.sizeInBytes > 3 << 20)
        #expect(records[0].value?.readableBytes == 3 << 20)
    }

    @Test func manyRecordsWithVaryingSizes() throws {
        var generator = SeededGenerator(seed: 11)
        var inputs: [Input] = []
        for index in 0..<2_000 {
            let keySize = Int.random(in: 0...40, using: &generator)
            let valueSize = Int.random(in: 0...300, using: &generator)
            let key: ByteBuffer? = index % 7 == 0 ? nil : randomBytes(keySize, using: &generator)
            let value: ByteBuffer? = index % 11 == 0 ? nil : randomBytes(valueSize, using: &generator)
            let headers: [RecordHeader] = (0..<(index % 3)).map { (key: "h\($0)", value: buffer("v\(index)")) }
            inputs.append(Input(key: key, value: value, headers: headers, timestamp: 1_000 + Int64(index) * 3))
        }
        let (batch, _) = try roundTrip(inputs)
        try batch.validateProducedBatch()
        _ = try roundTrip(inputs, compression: .gzip)
    }

    @Test func producerFieldsAndSequences() throws {
        var builder = RecordBatchBuilder(
            producer: ProducerIdentity(id: 9_000_000_001, epoch: 7), baseSequence: Int32.max - 1,
            isTransactional: true, partitionLeaderEpoch: 12)
        for index in 0..<3 { builder.append(key: nil, value: buffer("\(index)"), timestamp: 5) }
        let batch = try builder.build()
        try batch.validateProducedBatch()
        #expect(batch.producer == ProducerIdentity(id: 9_000_000_001, epoch: 7))
        #expect(batch.producer.isIdempotent && batch.hasProducerId)
        #expect(batch.baseSequence == Int32.max - 1)
        #expect(batch.lastSequence == 0)  // wraps after Int32.max, as Kafka's sequences do
        #expect(batch.attributes.isTransactional && !batch.attributes.isControl)
        #expect(batch.partitionLeaderEpoch == 12)
    }

    @Test func hasRoomForCutsAtTheLimit() throws {
        var builder = RecordBatchBuilder()
        let value = ByteBuffer(repeating: 0x61, count: 100)
        #expect(builder.hasRoomFor(key: nil, value: ByteBuffer(repeating: 0, count: 1 << 20), timestamp: 0, sizeLimit: 1024))
        while builder.hasRoomFor(key: nil, value: value, timestamp: 0, sizeLimit: 16_384) {
            builder.append(key: nil, value: value, timestamp: 0)
        }
        #expect(builder.estimatedSizeInBytes <= 16_384)
        #expect(builder.estimatedSizeInBytes > 16_384 - 120)
        let estimate = builder.estimatedSizeInBytes
        #expect(try builder.build().sizeInBytes == estimate)
    }
}
