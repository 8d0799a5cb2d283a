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

    @Test func softwarePathMatchesKnownVectors() {
        let ascending = (0..<32).map { UInt8($0) }
        #expect(ascending.withUnsafeBytes { CRC32C.softwareChecksum($0) } == 0x46DD_794E)
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32C.softwareChecksum($0) } == 0xE306_9283)
    }

    @Test func pathsAgreeOnLargeUnalignedBuffers() {
        // On x86-64 with SSE4.2 `checksum` takes the hardware path; elsewhere both are software.
        var generator = SeededGenerator(seed: 99)
        let bytes = randomBytes((1 << 20) + 13, using: &generator).bytes
        bytes.withUnsafeBytes { raw in
            for start in [0, 1, 3, 7] {
                let slice = UnsafeRawBufferPointer(rebasing: raw[start...])
                #expect(CRC32C.checksum(slice) == CRC32C.softwareChecksum(slice), "start \(start)")
            }
        }
    }

    @Test func runningCRCContinues() {
        let bytes = Array("a record batch, checksummed in two parts".utf8)
        let whole = CRC32C.checksum(bytes)
        bytes.withUnsafeBytes { raw in
            let first = CRC32C.update(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: raw[..<11]))
            let both = CRC32C.update(first, UnsafeRawBufferPointer(rebasing: raw[11...]))
            #expect(both ^ 0xFFFF_FFFF == whole)
            let soft = CRC32C.software(CRC32C.software(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: raw[..<5])),
                                       UnsafeRawBufferPointer(rebasing: raw[5...]))
            #expect(soft ^ 0xFFFF_FFFF == whole)
        }
    }
}
