import KafkaProtocol
import KafkaRecords
import NIOCore

/// What one member of a consumer group asks for: the `metadata` bytes of its JoinGroup protocols, in
/// Kafka's `ConsumerProtocolSubscription` layout (an int16 version, then the fields of that version).
///
/// Written the way Kafka's Java client writes it (`ConsumerProtocol.serializeSubscription`): at the
/// highest version (3), topics sorted, owned partitions sorted and grouped by topic, generation -1 when
/// none. Read the way it reads it: a version above 3 is read with the version-3 layout (new versions
/// only append fields), a version below 0 is an error.
public struct ConsumerSubscription: Sendable, Hashable {
    public var topics: [String]
    /// Assignor-specific data (cooperative-sticky: the int32 generation).
    public var userData: ByteBuffer?
    /// Partitions the member owns right now (version 1+); what the sticky assignors keep.
    public var ownedPartitions: [TopicPartition]
    /// The generation those partitions belong to (version 2+), or -1.
    public var generationId: Int32
    /// `client.rack` (version 3+).
    public var rackId: String?
    /// Not on the wire: the leader fills it in from the JoinGroup response (static membership).
    public var groupInstanceId: String?

    public init(
        topics: [String], userData: ByteBuffer? = nil, ownedPartitions: [TopicPartition] = [], generationId: Int32 = -1,
        rackId: String? = nil, groupInstanceId: String? = nil
    ) {
        self.topics = topics
        self.userData = userData
        self.ownedPartitions = ownedPartitions
        self.generationId = generationId
        self.rackId = rackId
        self.groupInstanceId = groupInstanceId
    }

    /// The generation, or nil when the member sent none (Java's `Optional`).
    public var generation: Int32? { generationId >= 0 ? generationId : nil }

    /// The version-prefixed bytes.
    public func encoded(version: Int16 = ConsumerProtocolSubscription.validVersions.upperBound) -> ByteBuffer {
        var data = ConsumerProtocolSubscription()
        data.topics = topics.sorted()
        data.userData = userData
        if version >= 1 {
            data.ownedPartitions = ConsumerProtocolCodec.grouped(ownedPartitions.sorted()).map { .init(topic: $0.0, partitions: $0.1) }
        }
        if version >= 2 { data.generationId = generationId }
        if version >= 3 { data.rackId = rackId }
        return ConsumerProtocolCodec.encode(data, version: version)
    }

    /// Reads version-prefixed bytes (a JoinGroup member's metadata, a DescribeGroups member's metadata).
    public init(decoding bytes: ByteBuffer) throws(KafkaClientError) {
        let data = try ConsumerProtocolCodec.decode(ConsumerProtocolSubscription.self, bytes, what: "subscription")
        self.init(
            topics: data.topics, userData: data.userData,
            ownedPartitions: data.ownedPartitions.flatMap { entry in entry.partitions.map { TopicPartition(entry.topic, $0) } },
            generationId: data.generationId, rackId: data.rackId.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// What the group leader gave one member: the SyncGroup `assignment` bytes, in Kafka's
/// `ConsumerProtocolAssignment` layout (int16 version prefix; written at version 3 as Java does).
public struct ConsumerAssignment: Sendable, Hashable {
    public var partitions: [TopicPartition]
    public var userData: ByteBuffer?

    public init(partitions: [TopicPartition], userData: ByteBuffer? = nil) {
        self.partitions = partitions
        self.userData = userData
    }

    public func encoded(version: Int16 = ConsumerProtocolAssignment.validVersions.upperBound) -> ByteBuffer {
        var data = ConsumerProtocolAssignment()
        data.assignedPartitions = ConsumerProtocolCodec.grouped(partitions).map { .init(topic: $0.0, partitions: $0.1) }
        data.userData = userData
        return ConsumerProtocolCodec.encode(data, version: version)
    }

    public init(decoding bytes: ByteBuffer) throws(KafkaClientError) {
        let data = try ConsumerProtocolCodec.decode(ConsumerProtocolAssignment.self, bytes, what: "assignment")
        self.init(
            partitions: data.assignedPartitions.flatMap { entry in entry.partitions.map { TopicPartition(entry.topic, $0) } },
            userData: data.userData)
    }
}

/// The version-prefix framing both payloads share (Kafka's `MessageUtil.toVersionPrefixedByteBuffer`).
enum ConsumerProtocolCodec {
    static func encode<Message: KafkaMessage>(_ message: Message, version: Int16) -> ByteBuffer {
        let version = min(max(version, Message.validVersions.lowerBound), Message.validVersions.upperBound)
        var writer = KafkaWriter(capacity: 64)
        writer.writeInt16(version)
        // Every field set above exists at `version`, so encoding cannot fail.
        try? message.encode(to: &writer, version: version)
        return writer.buffer
    }

    static func decode<Message: KafkaMessage>(_: Message.Type, _ bytes: ByteBuffer, what: String) throws(KafkaClientError) -> Message {
        var buffer = bytes
        do {
            let declared = try buffer.readKafkaInt16()
            guard declared >= Message.validVersions.lowerBound else {
                throw KafkaClientError(.malformedResponse, "unsupported consumer protocol \(what) version \(declared)")
            }
            return try Message(from: &buffer, version: min(declared, Message.validVersions.upperBound))
        } catch let error as KafkaClientError {
            throw error
        } catch {
            throw KafkaClientError(.malformedResponse, "cannot read consumer protocol \(what) (\(bytes.readableBytes) bytes): \(error)")
        }
    }

    /// Partitions grouped by topic in order of first appearance, as Java's serializer does.
    static func grouped(_ partitions: [TopicPartition]) -> [(String, [Int32])] {
        var order: [String] = []
        var byTopic: [String: [Int32]] = [:]
        for tp in partitions {
            if byTopic[tp.topic] == nil { order.append(tp.topic) }
            byTopic[tp.topic, default: []].append(tp.partition)
        }
        return order.map { ($0, byTopic[$0] ?? []) }
    }
}
