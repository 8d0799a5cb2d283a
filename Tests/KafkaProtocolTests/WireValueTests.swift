import KafkaProtocol
import NIOCore
import Testing

/// Primitive encodings, error codes and ids.
@Suite struct WireValueTests {
    @Test func compactAndClassicStrings() throws {
        var writer = KafkaWriter()
        writer.writeString("héllo", compact: true)
        writer.writeNullableString(nil, compact: true)
        writer.writeString("x", compact: false)
        writer.writeNullableString(nil, compact: false)
        var buffer = writer.buffer
        #expect(Array(buffer.readableBytesView) == [7, 0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F, 0, 0, 1, 0x78, 0xFF, 0xFF])
        #expect(try buffer.readKafkaString(compact: true) == "héllo")
        #expect(try buffer.readKafkaNullableString(compact: true) == nil)
        #expect(try buffer.readKafkaString(compact: false) == "x")
        #expect(try buffer.readKafkaNullableString(compact: false) == nil)
    }

    @Test func lengthsBeyondTheBytesAreErrors() {
        var string = ByteBuffer(bytes: [0x00, 0x10, 0x41])
        #expect(throws: KafkaCodingError.self) { try string.readKafkaString(compact: false) }
        var array = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: KafkaCodingError.self) { try array.readKafkaArrayCount(compact: false) }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xF0])
        #expect(throws: KafkaCodingError.self) { try negative.readKafkaArrayCount(compact: false) }
        var varint = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: KafkaCodingError.malformedVarint) { try varint.readKafkaUnsignedVarint() }
        var badUTF8 = ByteBuffer(bytes: [0x00, 0x02, 0xC3, 0x28])
        #expect(throws: KafkaCodingError.invalidUTF8(what: "string")) { try badUTF8.readKafkaString(compact: false) }
    }

    @Test func taggedFieldsOutOfOrderAreRejected() {
        var buffer = ByteBuffer(bytes: [2, 5, 0, 3, 0])
        #expect(throws: KafkaCodingError.self) { try buffer.readKafkaTaggedFields() }
    }

    @Test func errorCodesAreData() {
        #expect(ErrorCode.offsetOutOfRange.rawValue == 1)
        #expect(ErrorCode.offsetOutOfRange.name == "OFFSET_OUT_OF_RANGE")
        #expect(!ErrorCode.offsetOutOfRange.isRetriable)
        #expect(ErrorCode.notLeaderOrFollower.isRetriable)
        #expect(ErrorCode.unknownTopicOrPartition.isRetriable)
        #expect(ErrorCode.notEnoughReplicas.isRetriable)
        #expect(ErrorCode(rawValue: 9999).name == "UNKNOWN_ERROR_CODE(9999)")
        #expect(ErrorCode.unsupportedVersion.rawValue == 35)
        #expect(ErrorCode.outOfOrderSequenceNumber.rawValue == 45)
    }

    @Test func uuidBase64MatchesKafka() {
        // Kafka prints the metadata topic id (0, 1) as AAAAAAAAAAAAAAAAAAAAAQ.
        #expect(KafkaUUID(high: 0, low: 1).base64 == "AAAAAAAAAAAAAAAAAAAAAQ")
        #expect(KafkaUUID(base64: "AAAAAAAAAAAAAAAAAAAAAQ") == KafkaUUID(high: 0, low: 1))
        let id = KafkaUUID.random()
        #expect(KafkaUUID(base64: id.base64) == id)
        #expect(id.base64.count == 22)
        #expect(!id.base64.hasPrefix("-"))
    }
}
