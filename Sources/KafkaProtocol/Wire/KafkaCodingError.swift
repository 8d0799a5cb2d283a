/// Why bytes could not be read as a Kafka message, or a value could not be written at a version.
///
/// Decoding errors come from the network and must never crash the broker: the connection handler
/// turns them into Kafka's answer or a closed connection.
public enum KafkaCodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes ended before `what` was complete.
    case truncated(what: String)
    /// A length or count prefix that cannot be right (negative, or larger than the bytes left).
    case invalidLength(what: String, length: Int)
    /// A varint longer than its type allows.
    case malformedVarint
    /// A string that is not UTF-8.
    case invalidUTF8(what: String)
    /// Null where the field is not nullable at this version.
    case unexpectedNull(field: String, version: Int16)
    /// A version the message does not define.
    case unsupportedVersion(message: String, version: Int16)
    /// A value that this version cannot carry and that may not be dropped (the field is not ignorable).
    case fieldNotInVersion(field: String, version: Int16)
    /// An API key no schema defines.
    case unknownApiKey(Int16)

    public var description: String {
        switch self {
        case .truncated(let what): "truncated while reading \(what)"
        case .invalidLength(let what, let length): "invalid length \(length) for \(what)"
        case .malformedVarint: "malformed varint"
        case .invalidUTF8(let what): "\(what) is not valid UTF-8"
        case .unexpectedNull(let field, let version): "\(field) cannot be null at version \(version)"
        case .unsupportedVersion(let message, let version): "\(message) has no version \(version)"
        case .fieldNotInVersion(let field, let version): "\(field) cannot be written at version \(version)"
        case .unknownApiKey(let key): "unknown API key \(key)"
        }
    }
}
