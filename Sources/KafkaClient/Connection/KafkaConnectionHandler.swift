import KafkaProtocol
import NIOCore

/// One request on its way to the handler: an encoded frame whose correlation id the handler stamps.
struct OutboundRequest: Sendable {
    var frame: ByteBuffer
    var apiKey: ApiKey
    /// False for Produce with acks=0: the broker sends nothing back, so the request is done once written.
    var expectsResponse: Bool
    var timeout: TimeAmount
    /// Completed with the response frame (header and body), or an empty buffer when none is expected.
    var promise: EventLoopPromise<ByteBuffer>
}

/// Matches responses to requests on one connection.
///
/// Kafka answers the requests of one connection in the order they were sent. The handler numbers each
/// request as it goes out (so numbering and wire order agree), keeps a FIFO of the ones awaiting an
/// answer, and checks every response's correlation id against the head of that FIFO: a mismatch means
/// the stream is out of step, and every pending request fails and the connection closes. So does a
/// request timeout (as in Kafka's clients: the late answer could no longer be matched safely), a read
/// error, or the peer closing.
final class KafkaConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutboundRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var correlationId: Int32
        var apiKey: ApiKey
        var promise: EventLoopPromise<ByteBuffer>
        var timeoutTask: Scheduled<Void>?
    }

    private let peer: String
    private var pending = CircularBuffer<Pending>(initialCapacity: 8)
    private var nextCorrelationId: Int32 = 0
    /// Set once the connection is unusable; later writes fail with it at once.
    private var failure: KafkaClientError?
    private var context: ChannelHandlerContext?

    init(peer: String) { self.peer = peer }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(KafkaClientError(.connectionClosed, "connection to \(peer) closed"))
        self.context = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        let id = nextCorrelationId
        nextCorrelationId = id == Int32.max ? 0 : id + 1
        // Size (4), api key (2), api version (2), then the correlation id.
        request.frame.setInteger(id, at: request.frame.readerIndex + 8)
        let responsePromise = request.promise
        let writePromise = context.eventLoop.makePromise(of: Void.self)
        let peer = self.peer
        if request.expectsResponse {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let task = context.eventLoop.scheduleTask(in: request.timeout) { bound.value.timedOut(id) }
            pending.append(Pending(correlationId: id, apiKey: request.apiKey, promise: responsePromise, timeoutTask: task))
            writePromise.futureResult.whenFailure { error in
                responsePromise.fail(KafkaClientError(.connectionClosed, "write to \(peer) failed: \(error)"))
            }
        } else {
            writePromise.futureResult.whenComplete { result in
                switch result {
                case .success: responsePromise.succeed(ByteBuffer())
                case .failure(let error):
                    responsePromise.fail(KafkaClientError(.connectionClosed, "write to \(peer) failed: \(error)"))
                }
            }
        }
        writePromise.futureResult.cascade(to: promise)
        context.write(wrapOutboundOut(request.frame), promise: writePromise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let id: Int32 = frame.getInteger(at: frame.readerIndex) else {
            return fail(context, KafkaClientError(.malformedResponse, "response from \(peer) is shorter than its header"))
        }
        guard let head = pending.first else {
            return fail(context, KafkaClientError(
                .correlationMismatch, "response from \(peer) with correlation id \(id) but no request is pending"))
        }
        guard head.correlationId == id else {
            return fail(context, KafkaClientError(
                .correlationMismatch,
                "response from \(peer) has correlation id \(id), expected \(head.correlationId) (\(head.apiKey)): closing the connection"))
        }
        pending.removeFirst()
        head.timeoutTask?.cancel()
        head.promise.succeed(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(KafkaClientError(.connectionClosed, "connection to \(peer) closed by the broker"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, KafkaClientError(.connectionClosed, "connection to \(peer) failed: \(error)"))
    }

    private func timedOut(_ id: Int32) {
        guard let index = pending.firstIndex(where: { $0.correlationId == id }) else { return }
        let request = pending.remove(at: index)
        request.promise.fail(KafkaClientError(
            .requestTimedOut, "\(request.apiKey) request to \(peer) got no response within request.timeout.ms"))
        if let context {
            fail(context, KafkaClientError(
                .connectionClosed, "connection to \(peer) closed after a \(request.apiKey) request timed out"))
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: KafkaClientError) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: KafkaClientError) {
        if failure == nil { failure = error }
        while let request = pending.popFirst() {
            request.timeoutTask?.cancel()
            request.promise.fail(error)
        }
    }
}

@available(*, unavailable)
extension KafkaConnectionHandler: Sendable {}
