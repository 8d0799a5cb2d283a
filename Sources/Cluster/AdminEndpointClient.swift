import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for a broker's admin endpoint on loopback (`/faults`, `/metrics`): one
/// request per connection, the whole answer read into memory, bounded by a timeout. The endpoint's
/// answers are small, and Gregor needs no other HTTP, so a full client would be weight for nothing.
public struct AdminEndpointClient: Sendable {
    public let host: String
    public let port: Int
    public let timeout: Duration

    public init(host: String, port: Int, timeout: Duration = .seconds(5)) {
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    private var timeAmount: TimeAmount {
        .nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
    }

    /// An answer: the status code and the body as text.
    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    /// Sends one request and returns the answer; throws when the endpoint cannot be reached in time.
    public func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> Response {
        let promiseHolder = ResponsePromise()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeAmount)
            .channelInitializer { channel in
                let promise = channel.eventLoop.makePromise(of: Response.self)
                promiseHolder.set(promise)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: host, port: port).get()
        defer { channel.close(promise: nil) }
        guard let promise = promiseHolder.promise else { throw AdminEndpointError("no connection to \(host):\(port)") }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Connection", value: "close")
        let bytes = body.map { ByteBuffer(string: $0) }
        if let bytes {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: "\(bytes.readableBytes)")
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let bytes { channel.write(HTTPClientRequestPart.body(.byteBuffer(bytes)), promise: nil) }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        let eventLoop = channel.eventLoop
        let timer = eventLoop.scheduleTask(in: timeAmount) {
            promise.fail(AdminEndpointError("no answer from \(host):\(port) within \(timeout)"))
        }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }
}

/// The admin endpoint could not be reached or did not answer.
public struct AdminEndpointError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Hands the connection's promise from the channel initializer to the caller.
private final class ResponsePromise: @unchecked Sendable {
    private(set) var promise: EventLoopPromise<AdminEndpointClient.Response>?
    // Set once by the channel initializer, which runs before `connect` returns.
    func set(_ promise: EventLoopPromise<AdminEndpointClient.Response>) { self.promise = promise }
}

/// Collects one response and completes the promise with it; a connection that closes first fails it.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<AdminEndpointClient.Response>
    private var status = 0
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<AdminEndpointClient.Response>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var part): body.writeBuffer(&part)
        case .end: promise.succeed(.init(status: status, body: String(buffer: body)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(AdminEndpointError("the admin endpoint closed the connection before answering"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
