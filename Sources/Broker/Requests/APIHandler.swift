import KafkaProtocol

/// One Kafka API as the broker serves it. Each handler lives in its own file under `Handlers/`, headed
/// by the versions it supports; ApiVersions advertises exactly the registered handlers and ranges.
protocol APIHandler: Sendable {
    associatedtype Request: KafkaRequest
    /// The versions Gregor serves for this API.
    static var versions: ClosedRange<Int16> { get }
    /// Answers a request; nil means no response is sent (a Produce with acks=0).
    func handle(_ request: Request, context: RequestContext) async throws -> Request.Response?
}

extension APIHandler {
    static var apiKey: ApiKey { Request.apiKey }
}

/// What a handler knows about the request besides its body.
struct RequestContext: Sendable {
    var apiVersion: Int16
    var correlationId: Int32
    var clientId: String?
    /// The peer's address, for logs.
    var peer: String
    /// The peer's IP as Kafka shows it in group descriptions (`/127.0.0.1`).
    var clientHost: String = ""
    /// Lets the connection start on its next request before this one is answered; a handler calls it
    /// once what must happen in request order is done (a Produce's appends). Answers stay in order.
    var releaseOrder: @Sendable () -> Void = {}
}
