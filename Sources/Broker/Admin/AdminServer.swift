import Faults
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The broker's admin endpoint (`gregor broker --admin HOST:PORT`): plain HTTP on loopback, serving
/// Prometheus's `/metrics`, and `/faults`, where `gregor fault` sets a local cluster's network and disk
/// faults (DESIGN.md). It is not a Kafka listener and speaks no Kafka protocol.
final class AdminServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let metrics: BrokerMetrics
    private let faults: BrokerFaults?
    private let logger: Logger

    init(host: String, port: Int, metrics: BrokerMetrics, faults: BrokerFaults? = nil, logger: Logger) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.faults = faults
        self.logger = logger
    }

    func run() async throws {
        let (metrics, faults) = (self.metrics, self.faults)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AdminRequestHandler(metrics: metrics, faults: faults))
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

/// Answers admin requests: GET `/metrics`; GET and PUT `/faults` (the broker's `FaultSettings` as
/// JSON, when started with `--faults`); anything else 404 or 405.
final class AdminRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: BrokerMetrics
    private let faults: BrokerFaults?
    private var request: HTTPRequestHead?
    private var body = ByteBuffer()

    init(metrics: BrokerMetrics, faults: BrokerFaults?) {
        self.metrics = metrics
        self.faults = faults
    }

    /// The largest fault settings body taken.
    static let maximumBodyBytes = 64 * 1024

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            body.clear()
        case .body(var part):
            if body.readableBytes + part.readableBytes <= Self.maximumBodyBytes { body.writeBuffer(&part) }
        case .end:
            guard let request else { return }
            self.request = nil
            let answer = answer(request, body: body)
            respond(answer, to: request, context: context)
        }
    }

    private struct Answer {
        var status: HTTPResponseStatus
        var body: String
        var type = "text/plain; charset=utf-8"
    }

    private func answer(_ request: HTTPRequestHead, body: ByteBuffer) -> Answer {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        switch (request.method, path) {
        case (.GET, "/metrics"): return Answer(status: .ok, body: metrics.render(), type: "text/plain; version=0.0.4; charset=utf-8")
        case (_, "/metrics"): return Answer(status: .methodNotAllowed, body: "use GET\n")
        case (.GET, "/faults"), (.PUT, "/faults"):
            guard let faults else {
                return Answer(status: .forbidden, body: "fault injection is off: start the broker with --faults (gregor cluster up does)\n")
            }
            if request.method == .PUT {
                do {
                    try faults.update(try FaultSettingsFile.decode(Data(body.readableBytesView)))
                } catch {
                    return Answer(status: .badRequest, body: "cannot apply these faults: \(error)\n")
                }
            }
            guard let json = try? FaultSettingsFile.encode(faults.current) else { return Answer(status: .internalServerError, body: "cannot encode the faults\n") }
            return Answer(status: .ok, body: String(decoding: json, as: UTF8.self) + "\n", type: "application/json")
        case (_, "/faults"): return Answer(status: .methodNotAllowed, body: "use GET or PUT\n")
        default: return Answer(status: .notFound, body: "not found: try /metrics or /faults\n")
        }
    }

    private func respond(_ answer: Answer, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: answer.type)
        headers.add(name: "Content-Length", value: "\(answer.body.utf8.count)")
        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: request.version, status: answer.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: answer.body)))), promise: nil)
        let closes = !request.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if closes { channel.close(promise: nil) }
        }
    }
}
