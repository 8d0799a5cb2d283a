import Bench
import NIOCore
import Testing

/// The pieces a bench builds its records from: the stamp, sizes, keys and durations, with the text
/// forms the command line takes.
@Suite struct WorkloadTests {
    @Test func stampRoundTripsAtTheFrontOfAValue() throws {
        var value = ByteBuffer(bytes: [UInt8](repeating: 65, count: 100))
        let stamp = RecordStamp(run: 0xDEAD_BEEF, id: RecordId(producer: 3, sequence: 1_234_567_890_123), intendedSendNanos: 1_795_000_000_123_456_789)
        stamp.write(into: &value)
        #expect(value.readableBytes == 100)
        #expect(Array(value.readableBytesView.prefix(4)) == Array("GRB1".utf8))
        #expect(RecordStamp(reading: value) == stamp)
        #expect(value.getBytes(at: RecordStamp.size, length: 72) == [UInt8](repeating: 65, count: 72))
    }

    @Test func valuesWithoutAStampAreNotMistakenForOne() {
        #expect(RecordStamp(reading: ByteBuffer(string: "hello")) == nil)
        #expect(RecordStamp(reading: ByteBuffer(bytes: [UInt8](repeating: 0, count: 64))) == nil)
        var short = ByteBuffer(bytes: [UInt8](repeating: 0, count: 28))
        RecordStamp(run: 1, id: RecordId(producer: 0, sequence: 0), intendedSendNanos: 0).write(into: &short)
        short.moveWriterIndex(to: 27)
        #expect(RecordStamp(reading: short) == nil)
    }

    @Test func recordSizesParseAndStayInRange() throws {
        var random = BenchRandom(seed: 7)
        #expect(try RecordSizes(parsing: "100") == .fixed(100))
        let uniform = try RecordSizes(parsing: "100-300")
        #expect(uniform.minimum == 100 && uniform.maximum == 300)
        let drawn = (0..<1000).map { _ in uniform.next(using: &random) }
        #expect(drawn.allSatisfy { (100...300).contains($0) })
        #expect(Set(drawn).count > 100)

        let weighted = try RecordSizes(parsing: "100:9,10000:1")
        #expect(weighted.minimum == 100 && weighted.maximum == 10000)
        let large = (0..<10_000).filter { _ in weighted.next(using: &random) == 10000 }.count
        #expect((800...1200).contains(large))
        #expect(weighted.description == "100:9,10000:1")
    }

    @Test func badRecordSizesAreRefusedWithTheReason() {
        #expect(throws: BenchError.self) { try RecordSizes(parsing: "abc") }
        #expect(throws: BenchError.self) { try RecordSizes(parsing: "300-100") }
        #expect(throws: BenchError.self) { try RecordSizes(parsing: "100:0") }
        #expect(throws: BenchError.self) { try RecordSizes(parsing: "-5") }
    }

    @Test func keyStrategies() throws {
        var random = BenchRandom(seed: 1)
        #expect(try KeyStrategy(parsing: "none").key(for: 0, using: &random) == nil)
        let roundRobin = try KeyStrategy(parsing: "round-robin:3")
        #expect((0..<6).map { roundRobin.key(for: $0, using: &random).map { String(buffer: $0) } } == ["key-0", "key-1", "key-2", "key-0", "key-1", "key-2"])
        let distinct = try KeyStrategy(parsing: "5")
        let keys = Set((0..<500).compactMap { distinct.key(for: $0, using: &random).map { String(buffer: $0) } })
        #expect(keys == Set((0..<5).map { "key-\($0)" }))
        let fresh = try KeyStrategy(parsing: "random")
        #expect(Set((0..<100).compactMap { fresh.key(for: $0, using: &random) }).count == 100)
        #expect(throws: BenchError.self) { try KeyStrategy(parsing: "round-robin:0") }
        #expect(throws: BenchError.self) { try KeyStrategy(parsing: "some") }
    }

    @Test func durationsInTheUnitsPeopleType() throws {
        #expect(try Duration(benchText: "500ms") == .milliseconds(500))
        #expect(try Duration(benchText: "30s") == .seconds(30))
        #expect(try Duration(benchText: "2m") == .seconds(120))
        #expect(try Duration(benchText: "1h") == .seconds(3600))
        #expect(try Duration(benchText: "1.5") == .milliseconds(1500))
        #expect(throws: BenchError.self) { try Duration(benchText: "soon") }
        #expect(throws: BenchError.self) { try Duration(benchText: "-1s") }
    }

    @Test func settingsThatCannotRunAreRefusedBeforeConnecting() {
        var settings = ProduceSettings(topic: "t")
        #expect(throws: BenchError.self) { try settings.validate() }  // neither records nor duration
        settings.records = 10
        #expect(throws: Never.self) { try settings.validate() }
        settings.rate = 0
        #expect(throws: BenchError.self) { try settings.validate() }
        var consume = ConsumeSettings(topic: "t")
        consume.fromBeginning = false
        #expect(throws: BenchError.self) { try consume.validate() }  // live, and no end
    }
}
