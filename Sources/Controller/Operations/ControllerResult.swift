import KafkaProtocol

/// What a controller operation produces: the records to append to the metadata log, and the answer
/// to send once they are committed (Kafka's `ControllerResult`). The records are applied only after
/// the log accepted them, so a failed append changes nothing.
public struct ControllerResult<Response: Sendable>: Sendable {
    public var records: [any KafkaMetadataRecord]
    public var response: Response

    public init(records: [any KafkaMetadataRecord] = [], response: Response) {
        self.records = records
        self.response = response
    }
}

/// An operation's refusal: a Kafka error code and a one-line message for the client.
public struct ControllerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}
