import KafkaProtocol
import NIOCore
import NIOPosix

/// One TCP connection to one broker, with the API versions agreed on it.
///
/// Requests are pipelined: any number may be in flight, and each response is matched to its request by
/// correlation id (see `KafkaConnectionHandler`). The first request on the wire is ApiVersions, so that
/// every later request can go out at the highest version both sides support. Safe to share between
/// tasks; every method may be called from any thread.
public final class BrokerConnection: Sendable {
    public let address: BrokerAddress
    /// What the broker advertised in ApiVersions.
    public let versions: ApiVersionTable
    let channel: any Channel
    private let clientId: String
    private let requestTimeout: TimeAmount

    private init(address: BrokerAddress, versions: ApiVersionTable, channel: any Channel, configuration: ClientConfiguration) {
        self.address = address
        self.versions = versions
        self.channel = channel
        self.clientId = configuration.clientId
        self.requestTimeout = configuration.requestTimeout.timeAmount
    }

    /// Opens a connection and negotiates API versions.
    public static func connect(to address: BrokerAddress, configuration: ClientConfiguration) async throws -> BrokerConnection {
        let channel = try await openChannel(to: address, configuration: configuration).get()
        do {
            let versions = try await ApiVersionsNegotiation.run(on: channel, configuration: configuration, peer: address)
            return BrokerConnection(address: address, versions: versions, channel: channel, configuration: configuration)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    static func openChannel(to address: BrokerAddress, configuration: ClientConfiguration) -> EventLoopFuture<any Channel> {
        let peer = address.description
        let maximumFrameSize = configuration.maximumResponseSize
        return ClientBootstrap(group: configuration.eventLoopGroup)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Reads of up to 1 MiB, so a large Fetch answer is not gathered from many 64 KiB reads.
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(maximumFrameSize: maximumFrameSize)))
                    try channel.pipeline.syncOperations.addHandler(KafkaConnectionHandler(peer: peer))
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMapErrorThrowing { error in
                throw KafkaClientError(.connectionFailed, "cannot connect to broker \(peer): \(error)")
            }
    }

    /// Whether the socket is still open.
    public var isActive: Bool { channel.isActive }
    /// The event loop the socket lives on.
    public var eventLoop: any EventLoop { channel.eventLoop }
    /// Completes when the connection has closed, for whatever reason.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// The version `key` goes out at on this connection.
    public func version(_ key: ApiKey) throws(KafkaClientError) -> Int16 {
        try versions.version(key, broker: address.description)
    }

    /// Sends a request and waits for its response. `version` defaults to the highest common one;
    /// `timeout` to `request.timeout.ms`.
    public func send<Request: KafkaRequest>(
        _ request: Request, version: Int16? = nil, timeout: Duration? = nil
    ) async throws -> Request.Response {
        let chosen = try version ?? self.version(Request.apiKey)
        return try await sendFuture(request, version: chosen, timeout: timeout?.timeAmount).get()
    }

    /// Sends a request; the future holds the decoded response. Usable on the hot path without a task.
    func sendFuture<Request: KafkaRequest>(
        _ request: Request, version: Int16, timeout: TimeAmount? = nil
    ) -> EventLoopFuture<Request.Response> {
        let frame: ByteBuffer
        do {
            frame = try Self.encode(request, version: version, clientId: clientId)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let peer = address.description
        return sendFrame(frame, apiKey: Request.apiKey, expectsResponse: true, timeout: timeout)
            .flatMapThrowing { frame in try Self.decode(Request.Response.self, frame, version: version, peer: peer) }
    }

    /// Sends a request that gets no response (Produce with acks=0); the future completes once written.
    func sendWithoutResponse<Request: KafkaRequest>(_ request: Request, version: Int16) -> EventLoopFuture<Void> {
        do {
            let frame = try Self.encode(request, version: version, clientId: clientId)
            return sendFrame(frame, apiKey: Request.apiKey, expectsResponse: false, timeout: nil).map { _ in () }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    func sendFrame(_ frame: ByteBuffer, apiKey: ApiKey, expectsResponse: Bool, timeout: TimeAmount?) -> EventLoopFuture<ByteBuffer> {
        Self.sendFrame(frame, on: channel, apiKey: apiKey, expectsResponse: expectsResponse,
                       timeout: timeout ?? requestTimeout, peer: address.description)
    }

    static func sendFrame(
        _ frame: ByteBuffer, on channel: any Channel, apiKey: ApiKey, expectsResponse: Bool, timeout: TimeAmount,
        peer: String
    ) -> EventLoopFuture<ByteBuffer> {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let request = OutboundRequest(
            frame: frame, apiKey: apiKey, expectsResponse: expectsResponse, timeout: timeout, promise: promise)
        // If the channel is already closed, the handler never sees the write: fail through the write promise.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            promise.fail((error as? KafkaClientError) ?? KafkaClientError(.connectionClosed, "connection to \(peer) is closed"))
        }
        channel.writeAndFlush(request, promise: written)
        return promise.futureResult
    }

    static func encode<Request: KafkaRequest>(_ request: Request, version: Int16, clientId: String) throws(KafkaClientError) -> ByteBuffer {
        do {
            return try KafkaFrameEncoder.request(request, version: version, correlationId: 0, clientId: clientId)
        } catch {
            throw KafkaClientError(.invalidArgument, "cannot encode \(Request.apiKey) v\(version): \(error)")
        }
    }

    static func decode<Response: KafkaResponse>(
        _: Response.Type, _ frame: ByteBuffer, version: Int16, peer: String
    ) throws(KafkaClientError) -> Response {
        do {
            return try Response.decodeFrame(frame, version: version).response
        } catch {
            throw KafkaClientError(.malformedResponse, "cannot decode \(Response.apiKey) v\(version) response from \(peer): \(error)")
        }
    }

    /// Closes the socket; pending requests fail with `.connectionClosed`.
    public func close() async {
        try? await channel.close()
    }

    func closeNow() { channel.close(promise: nil) }
}
