import KafkaProtocol
import NIOCore

/// The topics in a consumer-protocol member's subscription (`ConsumerProtocolSubscription`, an int16
/// version then the struct): what the coordinator needs to know which topics a group consumes.
struct ConsumerSubscription {
    /// The protocol type of consumer groups.
    static let protocolType = "consumer"

    var topics: [String]

    /// Reads the bytes a member sent in JoinGroup; nil if they are not a consumer subscription. A
    /// version newer than the schemas is read with the newest layout, as Kafka's ConsumerProtocol does
    /// (new versions only add fields at the end).
    init?(_ bytes: ByteBuffer) {
        var buffer = bytes
        guard let version: Int16 = buffer.readInteger(), version >= 0 else { return nil }
        let readable = min(version, ConsumerProtocolSubscription.validVersions.upperBound)
        guard let subscription = try? ConsumerProtocolSubscription(from: &buffer, version: readable) else { return nil }
        topics = subscription.topics
    }
}
