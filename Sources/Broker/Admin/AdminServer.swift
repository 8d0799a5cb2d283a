import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The broker's admin endpoint (`gregor broker --admin HOST:PORT`): plain HTTP on loopback, serving
/// Prometheus's `/metrics`. Fault control for local clusters comes through here too (DESIGN.md); it is
/// not a Kafka listener and speaks no Kafka protocol.
final class AdminServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let metrics: BrokerMetrics
    private let logger: Logger

    init(host: String, port: Int, metrics: BrokerMetrics, logger: Logger) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        let metrics = self.metrics
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(AdminRequestHandler(metrics: metrics))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("admin endpoint listening", metadata: ["address": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one admin request: GET `/metrics` with the metrics; anything else 404 or 405.
final class AdminRequestHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: BrokerMetrics

    init(metrics: BrokerMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let (status, body, type): (HTTPResponseStatus, String, String) =
            switch (request.method, path) {
            case (.GET, "/metrics"): (.ok, metrics.render(), "text/plain; version=0.0.4; charset=utf-8")
            case (_, "/metrics"): (.methodNotAllowed, "use GET\n", "text/plain; charset=utf-8")
            default: (.notFound, "not found: try /metrics\n", "text/plain; charset=utf-8")
            }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        var head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        head.headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let closes = !request.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if closes { channel.close(promise: nil) }
        }
    }
}
