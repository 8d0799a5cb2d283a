import Foundation
import KafkaRecords
import LogStorage
import SystemPackage

/// A partition log in a fresh temporary directory, opened in a benchmark's setup and deleted in its
/// teardown (the benchmark closures share it, hence a class).
final class ScratchLog: @unchecked Sendable {
    static let now: Int64 = 1_700_000_000_000
    let name: String
    private(set) var partition: PartitionLog?
    private var directory: URL?

    init(name: String) { self.name = name }

    func open() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("gregor-bench-\(name)-\(UInt32.random(in: 0...UInt32.max))")
        let directory = root.appendingPathComponent("bench-0")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = root
        partition = try PartitionLog.open(
            directory: FilePath(directory.path), topicPartition: TopicPartition("bench", 0),
            fileSystem: PosixLogFileSystem(), now: Self.now
        ).log
    }

    func remove() throws {
        try partition?.close(now: Self.now)
        partition = nil
        if let directory { try FileManager.default.removeItem(at: directory) }
        directory = nil
    }
}
