import KafkaProtocol
import NIOCore
import NIOPosix

/// What a fake broker does with one request.
enum FakeReply: Sendable {
    /// Send this whole frame (size prefix included).
    case frame(ByteBuffer)
    /// Send nothing (acks=0, or a broker that hangs).
    case none
    /// Close the connection instead of answering.
    case close
    /// Wait, then do the inner reply. Replies still leave in request order.
    indirect case delayed(TimeAmount, FakeReply)
    /// Reply when the future completes (a JoinGroup held until the rebalance completes).
    case later(EventLoopFuture<FakeReply>)

    /// The response frame for `request`, at its version and correlation id.
    static func response<Response: KafkaResponse>(
        _ response: Response, to request: KafkaRequestFrame, headerVersion: Int16? = nil, version: Int16? = nil
    ) -> FakeReply {
        do {
            let writer = try KafkaFrameEncoder.response(
                response, correlationId: request.correlationId, version: version ?? request.apiVersion,
                headerVersion: headerVersion)
            return .frame(writer.buffer)
        } catch {
            return .close
        }
    }
}

/// One fake broker: an NIO server on 127.0.0.1 with an ephemeral port, answering through its cluster.
final class FakeBrokerServer: Sendable {
    let nodeId: Int32
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(nodeId: Int32, channel: any Channel) {
        self.nodeId = nodeId
        self.channel = channel
    }

    static func start(nodeId: Int32, cluster: FakeCluster) async throws -> FakeBrokerServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(FakeBrokerHandler(nodeId: nodeId, cluster: cluster))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeBrokerServer(nodeId: nodeId, channel: channel)
    }

    func stop() async { try? await channel.close() }
}

/// Decodes request frames, asks the cluster for replies, and writes them in request order.
final class FakeBrokerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let nodeId: Int32
    let cluster: FakeCluster
    private var tail: EventLoopFuture<Void>?

    init(nodeId: Int32, cluster: FakeCluster) {
        self.nodeId = nodeId
        self.cluster = cluster
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let frame = try? KafkaRequestFrame(parsing: bytes) else {
            context.close(promise: nil)
            return
        }
        let reply = cluster.handle(frame, broker: nodeId)
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        let previous = tail ?? loop.makeSucceededVoidFuture()
        tail = previous.flatMap { Self.deliver(reply, context: bound, loop: loop) }
    }

    private static func deliver(_ reply: FakeReply, context: NIOLoopBound<ChannelHandlerContext>, loop: any EventLoop) -> EventLoopFuture<Void> {
        switch reply {
        case .frame(let bytes):
            context.value.writeAndFlush(NIOAny(bytes), promise: nil)
            return loop.makeSucceededVoidFuture()
        case .none:
            return loop.makeSucceededVoidFuture()
        case .close:
            context.value.close(promise: nil)
            return loop.makeSucceededVoidFuture()
        case .delayed(let amount, let inner):
            return loop.scheduleTask(in: amount) {}.futureResult.flatMap { deliver(inner, context: context, loop: loop) }
        case .later(let future):
            return future.hop(to: loop).flatMap { deliver($0, context: context, loop: loop) }
        }
    }
}

@available(*, unavailable)
extension FakeBrokerHandler: Sendable {}
