import KafkaProtocol
import NIOCore
import Testing

/// Every generated message at every version: a sample with each present field set away from its
/// default encodes, decodes to the same value, and encodes to the same bytes again.
@Suite struct GeneratedRoundTripTests {
    @Test(arguments: allSampledMessages.map { TypeCase($0) })
    func roundTripsAtEveryVersion(_ typeCase: TypeCase) throws {
        try roundTrip(typeCase.type)
    }

    private func roundTrip<Message: SampledMessage>(_: Message.Type) throws {
        for version in Message.validVersions {
            let sample = Message.sample(version: version)
            var writer = KafkaWriter()
            try sample.encode(to: &writer, version: version)
            var bytes = writer.buffer
            let decoded = try Message(from: &bytes, version: version)
            #expect(bytes.readableBytes == 0, "\(Message.messageName) v\(version) left \(bytes.readableBytes) bytes")
            #expect(decoded == sample, "\(Message.messageName) v\(version) decoded differently")
            var again = KafkaWriter()
            try decoded.encode(to: &again, version: version)
            #expect(again.buffer == writer.buffer, "\(Message.messageName) v\(version) re-encoded differently")
        }
    }

    @Test func defaultsRoundTripAtEveryVersion() throws {
        for type in allSampledMessages { try roundTripDefault(type) }
    }

    private func roundTripDefault<Message: SampledMessage>(_: Message.Type) throws {
        for version in Message.validVersions {
            let bytes = try Message().encoded(version: version)
            #expect(try Message.decode(bytes, version: version) == Message(), "\(Message.messageName) v\(version)")
        }
    }

    @Test func unknownVersionsAreRefused() throws {
        #expect(throws: KafkaCodingError.unsupportedVersion(message: "ProduceRequest", version: 12)) {
            try ProduceRequest().encoded(version: 12)
        }
        #expect(throws: KafkaCodingError.self) { try FetchRequest.decode(ByteBuffer(), version: -1) }
    }

    @Test func valuesAVersionCannotCarryAreRefusedUnlessIgnorable() throws {
        // ProduceRequest.TransactionalId exists from v3 and is not ignorable.
        var request = ProduceRequest()
        request.transactionalId = "tx"
        #expect(throws: KafkaCodingError.fieldNotInVersion(field: "ProduceRequest.TransactionalId", version: 2)) {
            try request.encoded(version: 2)
        }
        // FetchResponse.ThrottleTimeMs exists from v1 and is ignorable: dropped silently at v0.
        var response = FetchResponse()
        response.throttleTimeMs = 5
        #expect(try FetchResponse.decode(try response.encoded(version: 0), version: 0).throttleTimeMs == 0)
    }

    @Test func taggedFieldsAtDefaultAreNotWritten() throws {
        var partition = FetchResponse.PartitionData()
        partition.records = .bytes(ByteBuffer())
        let plain = try encodedSize(partition, version: 12)
        partition.currentLeader = FetchResponse.LeaderIdAndEpoch(leaderId: 3, leaderEpoch: 7)
        // The section's count stays one byte; the field adds its tag, its size, two int32s and the
        // nested struct's own (empty) tagged section: 1 + 1 + 8 + 1.
        #expect(try encodedSize(partition, version: 12) == plain + 11)
    }

    private func encodedSize(_ value: some KafkaStruct, version: Int16) throws -> Int {
        var writer = KafkaWriter()
        try value.encode(to: &writer, version: version)
        return writer.buffer.readableBytes
    }
}

/// A message type as a test argument (metatypes are not `CustomTestStringConvertible` on their own).
struct TypeCase: CustomTestStringConvertible, Sendable {
    let type: any SampledMessage.Type
    init(_ type: any SampledMessage.Type) { self.type = type }
    var testDescription: String { type.messageName }
}
