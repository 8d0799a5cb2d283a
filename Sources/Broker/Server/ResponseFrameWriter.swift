import KafkaProtocol
import NIOCore

/// Writes an encoded response frame to the socket: its bytes, with the file ranges of fetched records
/// spliced in as `FileRegion`s (sendfile). The ranges' owners are held until the last write completes,
/// so a segment deleted meanwhile stays readable and its descriptor cannot be reused underneath.
final class ResponseFrameWriter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = KafkaWriter
    typealias OutboundOut = IOData

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        guard !frame.splices.isEmpty else {
            context.write(wrapOutboundOut(.byteBuffer(frame.buffer)), promise: promise)
            return
        }
        var bytes = frame.buffer
        var consumed = 0
        for splice in frame.splices {
            if let head = bytes.readSlice(length: splice.bufferIndex - consumed), head.readableBytes > 0 {
                context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
            }
            consumed = splice.bufferIndex
            context.write(wrapOutboundOut(.fileRegion(splice.slice.region)), promise: nil)
        }
        let owners = frame.splices.map(\.slice.owner)
        let done = context.eventLoop.makePromise(of: Void.self)
        done.futureResult.whenComplete { _ in withExtendedLifetime(owners) {} }
        done.futureResult.cascade(to: promise)
        context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: done)
    }
}
