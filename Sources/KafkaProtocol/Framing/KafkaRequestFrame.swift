import NIOCore

/// A request frame read as far as its header: enough to route it, answer it, or refuse it.
public struct KafkaRequestFrame: Sendable {
    public var header: RequestHeader
    /// The body, not yet decoded (its layout depends on the API and version).
    public var body: ByteBuffer

    public var apiKey: ApiKey { ApiKey(header.requestApiKey) }
    public var apiVersion: Int16 { header.requestApiVersion }
    public var correlationId: Int32 { header.correlationId }

    /// Reads the header of a frame's bytes (the size prefix already removed).
    /// Throws `KafkaCodingError.unknownApiKey` for a key no schema defines: Kafka cannot tell that request's
    /// header layout and closes the connection, and so does Gregor.
    public init(parsing frame: ByteBuffer) throws {
        var bytes = frame
        guard let key: Int16 = bytes.getInteger(at: bytes.readerIndex),
            let version: Int16 = bytes.getInteger(at: bytes.readerIndex + 2)
        else { throw KafkaCodingError.truncated(what: "request header") }
        let apiKey = ApiKey(key)
        guard KafkaAPI.named(apiKey) != nil else { throw KafkaCodingError.unknownApiKey(key) }
        header = try RequestHeader(from: &bytes, version: apiKey.requestHeaderVersion(apiVersion: version))
        body = bytes
    }

    /// Decodes the body as `Request` at the frame's version.
    public func decode<Request: KafkaRequest>(_: Request.Type) throws -> Request {
        try Request.decode(body, version: apiVersion)
    }
}

/// Encodes whole frames: size, header, body.
public enum KafkaFrameEncoder {
    /// A response frame for a request with `correlationId`, ready to send (splices included).
    public static func response<Response: KafkaResponse>(
        _ response: Response, correlationId: Int32, version: Int16, headerVersion: Int16? = nil
    ) throws -> KafkaWriter {
        var writer = KafkaWriter(capacity: 512)
        writer.writeInt32(0)  // size, patched below
        let header = ResponseHeader(correlationId: correlationId)
        try header.encode(to: &writer, version: headerVersion ?? Response.apiKey.responseHeaderVersion(apiVersion: version))
        try response.encode(to: &writer, version: version)
        patchSize(&writer)
        return writer
    }

    /// A request frame.
    public static func request<Request: KafkaRequest>(
        _ request: Request, version: Int16, correlationId: Int32, clientId: String?
    ) throws -> ByteBuffer {
        var writer = KafkaWriter(capacity: 256)
        writer.writeInt32(0)
        let header = RequestHeader(
            requestApiKey: Request.apiKey.rawValue, requestApiVersion: version, correlationId: correlationId,
            clientId: clientId)
        try header.encode(to: &writer, version: Request.apiKey.requestHeaderVersion(apiVersion: version))
        try request.encode(to: &writer, version: version)
        patchSize(&writer)
        return writer.buffer
    }

    private static func patchSize(_ writer: inout KafkaWriter) {
        writer.buffer.setInteger(Int32(writer.totalBytes - 4), at: writer.buffer.readerIndex)
    }
}

extension KafkaResponse {
    /// Reads a response frame's body (size prefix removed) after its header, checking the correlation id.
    public static func decodeFrame(_ frame: ByteBuffer, version: Int16) throws -> (correlationId: Int32, response: Self) {
        var bytes = frame
        let header = try ResponseHeader(from: &bytes, version: apiKey.responseHeaderVersion(apiVersion: version))
        return (header.correlationId, try Self(from: &bytes, version: version))
    }
}
