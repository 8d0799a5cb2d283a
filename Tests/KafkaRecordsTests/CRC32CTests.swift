import Testing
@testable import KafkaRecords

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        // RFC 3720, B.4: 32 bytes of zeros, of 0xFF, and the ascending bytes 0...31.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func hardwareAndSoftwareAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096 + 3] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for start in 0..<min(8, max(length, 1)) where start <= length {
                let slice = Array(bytes[start...])
                let soft = slice.withUnsafeBytes { CRC32C.softwareChecksum($0) }
                #expect(CRC32C.checksum(slice) == soft, "length \(length) start \(start)")
            }
        }
    }
}
