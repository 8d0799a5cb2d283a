import NIOCore

/// Splits a TCP stream into Kafka frames: an int32 size, then that many bytes.
///
/// Resumable: with too few bytes it consumes nothing and waits. A size above `maximumFrameSize`
/// (`socket.request.max.bytes`, 100 MiB by default) or below zero is an error before any buffering, so
/// a hostile length cannot make the process allocate.
public struct KafkaFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// Kafka's default `socket.request.max.bytes`.
    public static let defaultMaximumFrameSize = 104_857_600

    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = KafkaFrameDecoder.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// The next whole frame's body, or nil when more bytes are needed. Usable without a channel.
    public func nextFrame(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let size: Int32 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        guard size >= 0, Int(size) <= maximumFrameSize else {
            throw KafkaFrameError.invalidFrameSize(Int(size), maximum: maximumFrameSize)
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }
}

/// Why the byte stream cannot be read as Kafka frames; the connection is closed.
public enum KafkaFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidFrameSize(Int, maximum: Int)

    public var description: String {
        switch self {
        case .invalidFrameSize(let size, let maximum):
            "frame size \(size) is outside 0...\(maximum) (socket.request.max.bytes)"
        }
    }
}
