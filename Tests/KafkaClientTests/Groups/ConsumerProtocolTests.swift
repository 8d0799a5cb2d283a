import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

enum ByteBufferAllocatorHelper {
    static func int32(_ value: Int32) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        return buffer
    }

    static func bytes(_ hex: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            buffer.writeInteger(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return buffer
    }
}

/// The subscription and assignment payloads, byte for byte as Kafka's `ConsumerProtocol` frames them.
@Suite("Consumer protocol: subscription and assignment bytes")
struct ConsumerProtocolTests {
    @Test func subscriptionV3BytesMatchJavaLayout() {
        let subscription = ConsumerSubscription(
            topics: ["b", "a"], userData: ByteBufferAllocatorHelper.int32(5),
            ownedPartitions: [TopicPartition("a", 1), TopicPartition("a", 0)], generationId: 5)
        // version 3 | topics [a, b] | userData (4 bytes: 5) | owned [a: [0, 1]] | generation 5 | rack null
        let expected = ByteBufferAllocatorHelper.bytes(
            "0003" + "00000002" + "000161" + "000162" + "00000004" + "00000005"
                + "00000001" + "000161" + "00000002" + "00000000" + "00000001" + "00000005" + "ffff")
        #expect(subscription.encoded() == expected)
        let decoded = try? ConsumerSubscription(decoding: expected)
        #expect(decoded?.topics == ["a", "b"])
        #expect(decoded?.ownedPartitions == [TopicPartition("a", 0), TopicPartition("a", 1)])
        #expect(decoded?.generationId == 5)
        #expect(decoded?.rackId == nil)
    }

    @Test func version0SubscriptionFromAnOldClientDecodes() throws {
        // kafka-python / old librdkafka: version 0, topics [t], null userData.
        let bytes = ByteBufferAllocatorHelper.bytes("0000" + "00000001" + "000174" + "ffffffff")
        let decoded = try ConsumerSubscription(decoding: bytes)
        #expect(decoded.topics == ["t"])
        #expect(decoded.userData == nil)
        #expect(decoded.ownedPartitions.isEmpty)
        #expect(decoded.generation == nil)
    }

    @Test func newerVersionsReadWithTheHighestKnownLayout() throws {
        var bytes = ConsumerSubscription(topics: ["t"], generationId: 2).encoded()
        bytes.setInteger(Int16(9), at: bytes.readerIndex)
        bytes.writeBytes([1, 2, 3])  // a field a future version appended
        let decoded = try ConsumerSubscription(decoding: bytes)
        #expect(decoded.topics == ["t"])
        #expect(decoded.generationId == 2)
    }

    @Test func negativeVersionAndTruncatedBytesAreErrors() {
        #expect(throws: KafkaClientError.self) { try ConsumerSubscription(decoding: ByteBufferAllocatorHelper.bytes("ffff00000000")) }
        #expect(throws: KafkaClientError.self) { try ConsumerAssignment(decoding: ByteBufferAllocatorHelper.bytes("00")) }
        #expect(throws: KafkaClientError.self) { try ConsumerAssignment(decoding: ByteBufferAllocatorHelper.bytes("0000000000050001")) }
    }

    @Test func assignmentRoundTripsAndGroupsByTopic() throws {
        let assignment = ConsumerAssignment(partitions: [TopicPartition("x", 2), TopicPartition("y", 0), TopicPartition("x", 0)])
        let bytes = assignment.encoded()
        // version 3 | [x: [2, 0], y: [0]] | null userData
        #expect(bytes == ByteBufferAllocatorHelper.bytes(
            "0003" + "00000002" + "000178" + "00000002" + "00000002" + "00000000" + "000179" + "00000001" + "00000000" + "ffffffff"))
        let decoded = try ConsumerAssignment(decoding: bytes)
        #expect(decoded.partitions == [TopicPartition("x", 2), TopicPartition("x", 0), TopicPartition("y", 0)])
        let v0 = try ConsumerAssignment(decoding: assignment.encoded(version: 0))
        #expect(v0.partitions == decoded.partitions)
    }

    @Test func bytesKafkaPythonWritesDecode() throws {
        // kafka-python 3.0: ConsumerProtocolSubscription(version=3, topics=['orders', 'audit'],
        // user_data=int32 7, owned_partitions=[orders: [2, 0]], generation_id=7, rack_id='r1').encode()
        let subscription = try ConsumerSubscription(decoding: ByteBufferAllocatorHelper.bytes(
            "00030000000200066f72646572730005617564697400000004000000070000000100066f72646572730000000200000002000000000000000700027231"))
        #expect(subscription.topics == ["orders", "audit"])
        #expect(subscription.ownedPartitions == [TopicPartition("orders", 2), TopicPartition("orders", 0)])
        #expect(subscription.generationId == 7)
        #expect(subscription.rackId == "r1")
        #expect(CooperativeStickyAssignor.memberData(subscription).generation == 7)
        // ConsumerProtocolAssignment(version=0, assigned_partitions=[orders: [1, 3]], user_data=None)
        let assignment = try ConsumerAssignment(decoding: ByteBufferAllocatorHelper.bytes(
            "00000000000100066f7264657273000000020000000100000003ffffffff"))
        #expect(assignment.partitions == [TopicPartition("orders", 1), TopicPartition("orders", 3)])
        #expect(assignment.userData == nil)
    }
}
