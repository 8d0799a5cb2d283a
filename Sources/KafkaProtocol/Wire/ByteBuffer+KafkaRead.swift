import KafkaRecords
import NIOCore

/// Reading Kafka's primitive types from the wire. Every read either returns a value and consumes its
/// bytes or throws `KafkaCodingError`; no length prefix can make it allocate more than the bytes left.
extension ByteBuffer {
    @inlinable
    mutating func readKafkaInteger<T: FixedWidthInteger>(_ what: StaticString, as: T.Type = T.self) throws -> T {
        guard let value: T = readInteger() else { throw KafkaCodingError.truncated(what: "\(what)") }
        return value
    }

    @inlinable public mutating func readKafkaInt8() throws -> Int8 { try readKafkaInteger("int8") }
    @inlinable public mutating func readKafkaInt16() throws -> Int16 { try readKafkaInteger("int16") }
    @inlinable public mutating func readKafkaInt32() throws -> Int32 { try readKafkaInteger("int32") }
    @inlinable public mutating func readKafkaInt64() throws -> Int64 { try readKafkaInteger("int64") }
    @inlinable public mutating func readKafkaUInt16() throws -> UInt16 { try readKafkaInteger("uint16") }
    @inlinable public mutating func readKafkaUInt32() throws -> UInt32 { try readKafkaInteger("uint32") }
    @inlinable public mutating func readKafkaBool() throws -> Bool { try readKafkaInteger("bool", as: UInt8.self) != 0 }
    @inlinable public mutating func readKafkaFloat64() throws -> Double {
        Double(bitPattern: try readKafkaInteger("float64"))
    }
    @inlinable public mutating func readKafkaUUID() throws -> KafkaUUID {
        let high: UInt64 = try readKafkaInteger("uuid")
        let low: UInt64 = try readKafkaInteger("uuid")
        return KafkaUUID(high: high, low: low)
    }

    /// An unsigned varint of at most 5 bytes (Kafka's are 32-bit).
    @inlinable public mutating func readKafkaUnsignedVarint() throws -> Int {
        guard let value = readUnsignedVarint(maxBytes: 5) else {
            throw readableBytes < 5 ? KafkaCodingError.truncated(what: "varint") : .malformedVarint
        }
        return Int(UInt32(truncatingIfNeeded: value))
    }

    /// A length or count prefix: nil means null (-1, or 0 in the compact form).
    @inlinable
    mutating func readKafkaLength(_ what: StaticString, compact: Bool, classicWidth: Int) throws -> Int? {
        let length: Int
        if compact {
            length = try readKafkaUnsignedVarint() - 1
        } else if classicWidth == 2 {
            length = Int(try readKafkaInt16())
        } else {
            length = Int(try readKafkaInt32())
        }
        if length == -1 { return nil }
        guard length >= 0 else { throw KafkaCodingError.invalidLength(what: "\(what)", length: length) }
        return length
    }

    // MARK: Strings and bytes

    public mutating func readKafkaNullableString(compact: Bool) throws -> String? {
        guard let length = try readKafkaLength("string", compact: compact, classicWidth: 2) else { return nil }
        guard length <= readableBytes else { throw KafkaCodingError.truncated(what: "string") }
        do {
            guard let string = try readUTF8ValidatedString(length: length) else {
                throw KafkaCodingError.truncated(what: "string")
            }
            return string
        } catch is ByteBuffer.ReadUTF8ValidationError {
            throw KafkaCodingError.invalidUTF8(what: "string")
        }
    }

    public mutating func readKafkaString(compact: Bool, field: StaticString = "string", version: Int16 = -1) throws -> String {
        guard let string = try readKafkaNullableString(compact: compact) else {
            throw KafkaCodingError.unexpectedNull(field: "\(field)", version: version)
        }
        return string
    }

    /// Bytes as a slice of this buffer (no copy).
    public mutating func readKafkaNullableBytes(compact: Bool) throws -> ByteBuffer? {
        guard let length = try readKafkaLength("bytes", compact: compact, classicWidth: 4) else { return nil }
        guard let slice = readSlice(length: length) else { throw KafkaCodingError.truncated(what: "bytes") }
        return slice
    }

    public mutating func readKafkaBytes(compact: Bool, field: StaticString = "bytes", version: Int16 = -1) throws -> ByteBuffer {
        guard let bytes = try readKafkaNullableBytes(compact: compact) else {
            throw KafkaCodingError.unexpectedNull(field: "\(field)", version: version)
        }
        return bytes
    }

    public mutating func readKafkaRecords(compact: Bool) throws -> RecordsPayload? {
        try readKafkaNullableBytes(compact: compact).map { .bytes($0) }
    }

    // MARK: Arrays

    /// An array count; nil for a null array. A count can't promise more elements than bytes left,
    /// since every element takes at least one byte.
    public mutating func readKafkaArrayCount(compact: Bool) throws -> Int? {
        guard let count = try readKafkaLength("array", compact: compact, classicWidth: 4) else { return nil }
        guard count <= readableBytes else { throw KafkaCodingError.invalidLength(what: "array", length: count) }
        return count
    }

    public mutating func readKafkaNullableArray<Element: KafkaStruct>(
        of: Element.Type = Element.self, version: Int16, compact: Bool
    ) throws -> [Element]? {
        guard let count = try readKafkaArrayCount(compact: compact) else { return nil }
        var elements = [Element]()
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element(from: &self, version: version)) }
        return elements
    }

    public mutating func readKafkaNullableArray<Element: KafkaWireValue>(
        of: Element.Type = Element.self, compact: Bool
    ) throws -> [Element]? {
        guard let count = try readKafkaArrayCount(compact: compact) else { return nil }
        var elements = [Element]()
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element.read(from: &self, compact: compact)) }
        return elements
    }

    public mutating func readKafkaArray<Element: KafkaStruct>(
        of: Element.Type = Element.self, version: Int16, compact: Bool, field: StaticString = "array"
    ) throws -> [Element] {
        guard let array = try readKafkaNullableArray(of: Element.self, version: version, compact: compact) else {
            throw KafkaCodingError.unexpectedNull(field: "\(field)", version: version)
        }
        return array
    }

    public mutating func readKafkaArray<Element: KafkaWireValue>(
        of: Element.Type = Element.self, compact: Bool, field: StaticString = "array", version: Int16 = -1
    ) throws -> [Element] {
        guard let array = try readKafkaNullableArray(of: Element.self, compact: compact) else {
            throw KafkaCodingError.unexpectedNull(field: "\(field)", version: version)
        }
        return array
    }

    // MARK: Nested structs

    /// A struct field that may be null: an int8 marker (-1 null, otherwise present) before its fields.
    public mutating func readKafkaNullableStruct<Value: KafkaStruct>(_: Value.Type = Value.self, version: Int16) throws -> Value? {
        let marker = try readKafkaInt8()
        return marker < 0 ? nil : try Value(from: &self, version: version)
    }
}
