import KafkaProtocol
import NIOCore
import NIOEmbedded
import Testing

/// The frame decoder: resumable, bounded, and exact about frame edges.
@Suite struct FrameDecoderTests {
    private func frame(_ bytes: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: Int32(bytes.count).bigEndian, Array.init) + bytes
    }

    @Test func dripFedBytesYieldWholeFramesOnly() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(KafkaFrameDecoder()))
        let stream = frame([1, 2, 3]) + frame([]) + frame(Array(repeating: 7, count: 300))
        for byte in stream {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        let first: ByteBuffer? = try channel.readInbound()
        let second: ByteBuffer? = try channel.readInbound()
        let third: ByteBuffer? = try channel.readInbound()
        #expect(first.map { Array($0.readableBytesView) } == [1, 2, 3])
        #expect(second?.readableBytes == 0)
        #expect(third?.readableBytes == 300)
        let none: ByteBuffer? = try channel.readInbound()
        #expect(none == nil)
        _ = try channel.finish()
    }

    @Test func absurdAndNegativeSizesAreRefusedBeforeBuffering() throws {
        let decoder = KafkaFrameDecoder(maximumFrameSize: 1024)
        var tooLarge = ByteBuffer(bytes: frame(Array(repeating: 0, count: 10)))
        tooLarge.setInteger(Int32(1025), at: 0)
        #expect(throws: KafkaFrameError.invalidFrameSize(1025, maximum: 1024)) { try decoder.nextFrame(&tooLarge) }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: KafkaFrameError.self) { try decoder.nextFrame(&negative) }
        var huge = ByteBuffer(bytes: [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: KafkaFrameError.self) { try KafkaFrameDecoder().nextFrame(&huge) }
    }

    @Test func partialHeaderWaits() throws {
        var buffer = ByteBuffer(bytes: [0, 0])
        #expect(try KafkaFrameDecoder().nextFrame(&buffer) == nil)
        #expect(buffer.readableBytes == 2)
    }

    @Test func requestHeadersOfUnknownKeysAreRefused() throws {
        var bytes = ByteBuffer()
        bytes.writeInteger(Int16(999))
        bytes.writeInteger(Int16(0))
        bytes.writeInteger(Int32(1))
        #expect(throws: KafkaCodingError.unknownApiKey(999)) { try KafkaRequestFrame(parsing: bytes) }
    }

    @Test func headerVersionsFollowTheRules() {
        #expect(ApiKey.produce.requestHeaderVersion(apiVersion: 8) == 1)
        #expect(ApiKey.produce.requestHeaderVersion(apiVersion: 9) == 2)
        #expect(ApiKey.produce.responseHeaderVersion(apiVersion: 9) == 1)
        #expect(ApiKey.apiVersions.responseHeaderVersion(apiVersion: 3) == 0)
        #expect(ApiKey.apiVersions.requestHeaderVersion(apiVersion: 99) == 2)
        #expect(ApiKey.controlledShutdown.requestHeaderVersion(apiVersion: 0) == 0)
    }
}
