import NIOCore

/// A value that can be an element of a primitive array (`[]int32`, `[]string`, `[]uuid`, ...).
public protocol KafkaWireValue: Sendable, Hashable {
    func write(to writer: inout KafkaWriter, compact: Bool)
    static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> Self
}

extension Int8: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeInt8(self) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> Int8 { try buffer.readKafkaInt8() }
}

extension Int16: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeInt16(self) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> Int16 { try buffer.readKafkaInt16() }
}

extension Int32: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeInt32(self) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> Int32 { try buffer.readKafkaInt32() }
}

extension Int64: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeInt64(self) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> Int64 { try buffer.readKafkaInt64() }
}

extension KafkaUUID: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeUUID(self) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> KafkaUUID { try buffer.readKafkaUUID() }
}

extension String: KafkaWireValue {
    public func write(to writer: inout KafkaWriter, compact: Bool) { writer.writeString(self, compact: compact) }
    public static func read(from buffer: inout ByteBuffer, compact: Bool) throws -> String {
        try buffer.readKafkaString(compact: compact)
    }
}
