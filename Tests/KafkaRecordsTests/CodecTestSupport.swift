import NIOCore
@testable import KafkaRecords

/// Inputs for the codec tests: what record sections look like, and the shapes that stress a codec.
enum CodecInput {
    /// Records the way a producer batches them: JSON-ish values with repeating field names, ids that
    /// change, a key per record. About `size` bytes, deterministic.
    static func realistic(_ size: Int, seed: UInt64 = 1) -> ByteBuffer {
        var generator = SeededGenerator(seed: seed)
        var builder = RecordBatchBuilder()
        var index = 0
        let names = ["alice", "bob", "carol", "dave", "erin", "frank"]
        let events = ["page_view", "click", "purchase", "signup"]
        while builder.estimatedSizeInBytes < size + RecordBatch.headerSize + 100 {
            let user = names[Int(generator.next() % UInt64(names.count))]
            let event = events[Int(generator.next() % UInt64(events.count))]
            let value = """
                {"id":\(100_000 + index),"user":"\(user)","event":"\(event)","ts":\(1_700_000_000_000 + Int(generator.next() % 100_000)),\
                "session":"\(String(generator.next(), radix: 36))","amount":\(generator.next() % 10_000),"tags":["web","eu-west-1"]}
                """
            builder.append(key: ByteBuffer(string: "user-\(user)"), value: ByteBuffer(string: value), timestamp: 1_700_000_000_000)
            index += 1
        }
        var bytes = (try? builder.build())?.recordsSection ?? ByteBuffer()
        if bytes.readableBytes > size { bytes.moveWriterIndex(to: bytes.readerIndex + size) }
        return bytes
    }

    /// A short pattern over and over: long matches, runs, overlapping copies.
    static func repetitive(_ size: Int) -> ByteBuffer {
        let pattern = Array("the quick brown fox jumps over the lazy dog; ".utf8)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        while buffer.readableBytes < size {
            buffer.writeBytes(pattern.prefix(size - buffer.readableBytes))
        }
        return buffer
    }

    /// Lines the Python script that made the lz4 CLI fixtures writes (`lz4-cli-*.lz4`, see the README).
    static func cliText(lines: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        for index in 0..<lines {
            buffer.writeString("record \(index): lorem ipsum dolor sit amet, value=\(index * 7919 % 1000)\n")
        }
        return buffer
    }

    /// Sizes around the codecs' block edges (snappy-java's 32 KiB chunks, lz4's 64 KiB blocks) and the
    /// lz4 end-of-block margins.
    static let edgeSizes = [0, 1, 4, 5, 12, 13, 17, 100, 32_767, 32_768, 32_769, 65_535, 65_536, 65_537, 131_073]
}

/// Compresses with `codec` into a fresh buffer.
func compressed(_ input: ByteBuffer, with codec: any RecordsCompressionCodec) throws -> ByteBuffer {
    var output = ByteBuffer()
    try codec.compress(input, appendingTo: &output)
    return output
}

/// Builds a buffer from literal bytes.
func bytes(_ values: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: values) }

/// The records of `confluent-snappy-large.bin` and `confluent-lz4-large.bin`: the same formula as the
/// Python script that produced them (Fixtures/README.md).
enum LargeFixtureRecord {
    static let count = 400
    static let names = ["alice", "bob", "carol", "dave", "erin", "frank"]
    static let events = ["page_view", "click", "purchase", "signup"]

    static func key(_ index: Int) -> String { "user-\(index % 13)" }

    static func value(_ index: Int) -> String {
        let note = String(repeating: "lorem ipsum dolor sit amet ", count: index % 7 + 1)
        return #"{"id":\#(index),"user":"\#(names[index % 6])","event":"\#(events[index % 4])","amount":\#(index * 7919 % 10000),"note":"\#(note)"}"#
    }

    static func timestamp(_ index: Int) -> Int64 { 1_800_000_000_000 + Int64(index) }
}
