import KafkaProtocol
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Kafka listener: accepts connections and serves each in its own child task. Requests on one
/// connection are handled in order and answered in request order, while the client may pipeline.
/// Kafka handles a connection's requests strictly one at a time; Gregor lets the next request start
/// once a Produce has appended, so pipelined acks=all produces wait for the ISR together.
final class BrokerServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let router: RequestRouter
    private let maximumFrameSize: Int
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onBound: @Sendable (Int) -> Void

    init(
        host: String, port: Int, router: RequestRouter, maximumFrameSize: Int, group: any EventLoopGroup, logger: Logger,
        onBound: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.router = router
        self.maximumFrameSize = maximumFrameSize
        self.group = group
        self.logger = logger
        self.onBound = onBound
    }

    func run() async throws {
        let maximumFrameSize = self.maximumFrameSize
        // Accepted connections come out of the listener as plain channels that do not read yet, and are
        // wrapped in a NIOAsyncChannel only by the task that serves them. NIO's server stream drops the
        // connections still buffered in it when the listener stops; a dropped NIOAsyncChannel traps
        // ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2637), a plain channel
        // does not.
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Reads of up to 1 MiB (NIO's default stops at 64 KiB): a large Produce then arrives in one
            // or a few reads instead of many that the frame decoder copies together.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
            .childChannelOption(.autoRead, value: false)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(maximumFrameSize: maximumFrameSize)))
                    try channel.pipeline.syncOperations.addHandler(ResponseFrameWriter())
                    return channel
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("listening", metadata: ["address": "\(host):\(boundPort)"])
        onBound(boundPort)
        // On graceful shutdown the listener closes, which ends the accept loop once the connections
        // already accepted are handed out; each connection's loop is cancelled by the same shutdown.
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await withGracefulShutdownHandler {
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                } onGracefulShutdown: {
                    server.channel.close(promise: nil)
                }
            }
        } catch where Task.isShuttingDownGracefully || Task.isCancelled {
            // The listener's stream ends with an error when the shutdown closes it mid-accept.
        }
        logger.info("listener closed", metadata: ["reason": "shutdown"])
    }

    /// Wraps an accepted connection for async use and starts its reads; a connection that closed
    /// before it was served is closed and dropped.
    private func serve(_ channel: any Channel) async {
        let connection: NIOAsyncChannel<ByteBuffer, KafkaWriter>
        do {
            connection = try await channel.eventLoop.submit {
                guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
                let wrapped = try NIOAsyncChannel<ByteBuffer, KafkaWriter>(wrappingChannelSynchronously: channel)
                try channel.syncOptions?.setOption(.autoRead, value: true)
                return wrapped
            }.get()
        } catch {
            channel.close(promise: nil)
            return
        }
        await cancelWhenGracefulShutdown { await self.serve(connection) }
    }

    /// Reads frames and answers each in request order; closes on a protocol error or when the client
    /// leaves. A request runs in its own child task; the next one is read once it is released (see
    /// `ResponseSlot`), so a Produce waiting for the ISR does not hold up the appends of the requests
    /// pipelined behind it. At most `pipelineDepth` answers wait to be written.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, KafkaWriter>) async {
        let peer = connection.channel.remoteAddress?.description ?? "unknown"
        let clientHost = connection.channel.remoteAddress?.ipAddress.map { "/" + $0 } ?? ""
        do {
            try await connection.executeThenClose { inbound, outbound in
                // Discarding: a long-lived connection must not keep every finished request's task.
                try await withThrowingDiscardingTaskGroup { group in
                    let (slots, queue) = AsyncStream.makeStream(of: ResponseSlot.self)
                    let channel = connection.channel
                    group.addTask {
                        do {
                            try await self.writeInOrder(slots, to: outbound, peer: peer)
                        } catch {
                            channel.close(promise: nil)  // ends the read loop too
                            throw error
                        }
                    }
                    var pending: [ResponseSlot] = []
                    for try await frame in inbound {
                        let slot = ResponseSlot()
                        queue.yield(slot)
                        group.addTask { slot.fulfil(await self.router.route(frame, peer: peer, clientHost: clientHost, release: slot.release)) }
                        await slot.waitForRelease()
                        if slot.closesConnection { break }
                        pending.append(slot)
                        if pending.count >= Self.pipelineDepth {
                            _ = await pending.removeFirst().outcome()
                        }
                    }
                    queue.finish()
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["client": "\(peer)", "error": "\(error)"])
        }
    }

    /// Answers not yet written that one connection may have (requests read ahead of their answers).
    static let pipelineDepth = 256

    /// Writes the answers in request order; a request that must close the connection ends it.
    private func writeInOrder(
        _ slots: AsyncStream<ResponseSlot>, to outbound: NIOAsyncChannelOutboundWriter<KafkaWriter>, peer: String
    ) async throws {
        for await slot in slots {
            switch await slot.outcome() {
            case .respond(let response): try await outbound.write(response)
            case .noResponse: continue
            case .close(let reason):
                logger.warning("closing connection", metadata: ["client": "\(peer)", "reason": "\(reason)"])
                throw ConnectionClosed(reason: reason)
            }
        }
    }
}

/// A request asked for its connection to be closed (malformed, unsupported, or a failed acks=0 write).
struct ConnectionClosed: Error {
    let reason: String
}
