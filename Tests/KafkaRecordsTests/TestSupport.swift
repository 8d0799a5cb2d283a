import NIOCore
@testable import KafkaRecords

/// SplitMix64: a tiny seeded generator so that random tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ByteBuffer {
    /// The readable bytes as an array (for comparisons in tests).
    var bytes: [UInt8] { Array(readableBytesView) }
    /// The readable bytes as UTF-8 text.
    var text: String { String(decoding: readableBytesView, as: UTF8.self) }
}

func buffer(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }

func randomBytes(_ count: Int, using generator: inout SeededGenerator) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.reserveCapacity(count + 8)
    for _ in 0..<(count + 7) / 8 { buffer.writeInteger(generator.next()) }
    buffer.moveWriterIndex(to: count)
    return buffer
}

/// A batch around a hand-written records section, with a correct CRC: for feeding malformed records
/// to the reader without tripping the checks that come before it.
func handmadeBatch(
    records: ByteBuffer, count: Int32, lastOffsetDelta: Int32? = nil, compression: CompressionType = .none,
    baseOffset: Int64 = 0, baseTimestamp: Int64 = 1_000
) throws -> RecordBatch {
    var bytes = ByteBuffer()
    bytes.writeInteger(baseOffset)
    bytes.writeInteger(Int32(RecordBatch.headerSize - RecordBatch.logOverhead + records.readableBytes))
    bytes.writeInteger(Int32(-1))  // partition leader epoch
    bytes.writeInteger(Int8(2))  // magic
    bytes.writeInteger(UInt32(0))  // crc, filled below
    bytes.writeInteger(RecordBatchAttributes(compression: compression).rawValue)
    bytes.writeInteger(lastOffsetDelta ?? max(count - 1, 0))
    bytes.writeInteger(baseTimestamp)
    bytes.writeInteger(baseTimestamp)
    bytes.writeInteger(Int64(-1))
    bytes.writeInteger(Int16(-1))
    bytes.writeInteger(Int32(-1))
    bytes.writeInteger(count)
    bytes.writeImmutableBuffer(records)
    var batch = try RecordBatch(bytes: bytes)
    batch.updateCRC()
    return batch
}

/// The fields of one record, written field by field so that a test can break any of them.
struct RawRecord {
    var lengthOverride: Int64?
    var attributes: Int8 = 0
    var timestampDelta: Int64 = 0
    var offsetDelta: Int64 = 0
    var keyLength: Int64? = nil  // nil: use the key's size (or -1 for a nil key)
    var key: [UInt8]? = Array("k".utf8)
    var valueLength: Int64? = nil
    var value: [UInt8]? = Array("v".utf8)
    var headersCount: Int64? = nil
    var headers: [(key: [UInt8], keyLength: Int64?, value: [UInt8]?)] = []
    var extra: [UInt8] = []

    func encoded() -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(attributes)
        body.writeVarint(timestampDelta)
        body.writeVarint(offsetDelta)
        body.writeVarint(keyLength ?? key.map { Int64($0.count) } ?? -1)
        if let key { body.writeBytes(key) }
        body.writeVarint(valueLength ?? value.map { Int64($0.count) } ?? -1)
        if let value { body.writeBytes(value) }
        body.writeVarint(headersCount ?? Int64(headers.count))
        for header in headers {
            body.writeVarint(header.keyLength ?? Int64(header.key.count))
            body.writeBytes(header.key)
            body.writeVarint(header.value.map { Int64($0.count) } ?? -1)
            if let value = header.value { body.writeBytes(value) }
        }
        body.writeBytes(extra)
        var record = ByteBuffer()
        record.writeVarint(lengthOverride ?? Int64(body.readableBytes))
        record.writeImmutableBuffer(body)
        return record
    }
}

func records(_ raws: [RawRecord]) -> ByteBuffer {
    var buffer = ByteBuffer()
    for raw in raws { buffer.writeImmutableBuffer(raw.encoded()) }
    return buffer
}
