/// A Kafka UUID (topic ids, member and directory ids): 16 bytes, the all-zero value meaning "none".
public struct KafkaUUID: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, Kafka's `Uuid.ZERO_UUID`: "no id".
    public static let zero = KafkaUUID(high: 0, low: 0)

    public var isZero: Bool { high == 0 && low == 0 }

    /// A random version-4 id. Like Kafka's `Uuid.randomUuid`, it draws again when the id is reserved
    /// (zero, or the metadata topic's 0:1) or its base64 form starts with '-'.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> KafkaUUID {
        while true {
            var high = UInt64.random(in: .min ... .max, using: &generator)
            var low = UInt64.random(in: .min ... .max, using: &generator)
            high = (high & ~0xF000) | 0x4000  // version 4
            low = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000  // IETF variant
            let id = KafkaUUID(high: high, low: low)
            // Kafka rejects ids whose base64 text begins with "-" (KAFKA-12548) and the reserved ones.
            if !id.isZero, id != KafkaUUID(high: 0, low: 1), !id.base64.hasPrefix("-") { return id }
        }
    }

    public static func random() -> KafkaUUID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Kafka's text form: URL-safe base64 of the 16 bytes without padding (22 characters).
    public var base64: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return Base64URL.encode(bytes)
    }

    /// Parses Kafka's text form.
    public init?(base64 text: String) {
        guard let bytes = Base64URL.decode(text), bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var description: String { base64 }
}

/// URL-safe base64 without padding, as Kafka prints UUIDs.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (i, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * UInt32(i)) }
            let characters = chunk.count + 1
            for i in 0..<characters { out.append(alphabet[Int((value >> (18 - 6 * UInt32(i))) & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values = [UInt8]()
        for character in text.utf8 {
            guard let position = alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt8(position))
        }
        var out = [UInt8]()
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            guard chunk.count >= 2 else { return nil }
            var value: UInt32 = 0
            for (i, sextet) in chunk.enumerated() { value |= UInt32(sextet) << (18 - 6 * UInt32(i)) }
            for i in 0..<(chunk.count - 1) { out.append(UInt8(truncatingIfNeeded: value >> (16 - 8 * UInt32(i)))) }
            index += 4
        }
        return out
    }
}
