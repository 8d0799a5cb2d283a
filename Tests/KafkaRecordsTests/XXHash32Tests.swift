import Testing
@testable import KafkaRecords

/// xxHash32 against values from the reference library (libxxhash 0.8.1's `XXH32`, called from Python).
@Suite struct XXHash32Tests {
    static let oneKiB = (0..<1_024).map { UInt8(truncatingIfNeeded: $0) }

    @Test func referenceValues() {
        #expect(XXHash32.hash([]) == 0x02CC_5D05)
        #expect(XXHash32.hash(Array("a".utf8)) == 0x550D_7456)
        #expect(XXHash32.hash(Array("abc".utf8)) == 0x32D1_53FF)
        #expect(XXHash32.hash(Array("Nobody inspects the spammish repetition".utf8)) == 0xE229_3B2F)
        #expect(XXHash32.hash(Self.oneKiB) == 0x5865_4D5A)
    }

    @Test func seeded() {
        let seed: UInt32 = 0x9E37_79B1
        #expect(XXHash32.hash([], seed: seed) == 0x36B7_8AE7)
        #expect(XXHash32.hash(Array("a".utf8), seed: seed) == 0x9E16_33E4)
        #expect(XXHash32.hash(Array("Nobody inspects the spammish repetition".utf8), seed: seed) == 0xC9E8_9E68)
        #expect(XXHash32.hash(Self.oneKiB, seed: seed) == 0xF058_452B)
    }

    @Test func lz4HeaderChecksumOfKafkasDescriptor() {
        // FLG 0x60, BD 0x40 hash to 0x301A8268: the header checksum byte is 0x82, as librdkafka writes.
        #expect(XXHash32.hash([0x60, 0x40]) == 0x301A_8268)
        #expect(LZ4Codec.headerChecksum([0x60, 0x40]) == 0x82)
    }
}
