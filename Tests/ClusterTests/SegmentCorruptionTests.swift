import Foundation
import Testing

@testable import Cluster

@Suite("corrupt-tail: which segment, which bytes")
struct SegmentCorruptionTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("segments-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theNewestNonEmptySegmentIsChosen() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, size) in [("00000000000000000000.log", 300), ("00000000000000000100.log", 40), ("00000000000000000200.log", 0), ("00000000000000000100.index", 80)] {
            _ = FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent(name), contents: Data(count: size))
        }
        let newest = try SegmentCorruption.newestSegment(in: directory)
        #expect(newest?.path.hasSuffix("00000000000000000100.log") == true && newest?.size == 40)
        #expect(try SegmentCorruption.newestSegment(in: directory + "/missing") == nil)
    }

    @Test func everyByteOfTheTailChangesAndNothingBeforeIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent("00000000000000000000.log")
        let original = Data((0..<64).map { UInt8($0) })
        _ = FileManager.default.createFile(atPath: path, contents: original)
        #expect(try SegmentCorruption.flipTail(of: path, size: 64, bytes: 16) == 16)
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(after.count == 64)
        #expect(after.prefix(48) == original.prefix(48))
        #expect(zip(after.suffix(16), original.suffix(16)).allSatisfy { $0 != $1 })
        #expect(try SegmentCorruption.flipTail(of: path, size: 64, bytes: 1_000) == 64, "never more than the file")
    }
}
