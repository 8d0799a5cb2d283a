import Foundation

/// `gregor fault corrupt-tail NODE TOPIC PARTITION`: flips the last bytes of a partition's newest
/// segment on a stopped broker, as a torn write at a crash leaves them. When the broker starts again
/// it finds the batch whose CRC no longer matches and truncates the log to the last whole batch
/// (Kafka's log recovery), which a Kafka client then sees as a lower log end offset on that replica.
public struct SegmentCorruption: Sendable {
    public let directory: ClusterDirectory

    public init(directory: ClusterDirectory) { self.directory = directory }

    /// Corrupts up to `bytes` bytes at the end of the newest non-empty segment of `topic`-`partition`
    /// on broker `nodeId`, which must be stopped. Returns the line to print.
    public func corruptTail(_ nodeId: Int32, topic: String, partition: Int32, bytes: Int) async throws -> String {
        guard bytes > 0 else { throw ClusterError("--bytes must be at least 1, got \(bytes)") }
        return try await directory.withLock {
            let node = try directory.node(nodeId, in: try directory.loadRunning())
            if let process = BrokerProcess(node), process.state != .stopped {
                throw ClusterError(
                    "broker \(nodeId) is running: corrupt-tail changes a stopped broker's files, as a crash mid-write would; "
                        + "stop it first with `gregor fault kill \(nodeId)\(directory.dirOption)`")
            }
            let partitionDirectory = (node.dataDir as NSString).appendingPathComponent("\(topic)-\(partition)")
            guard let segment = try Self.newestSegment(in: partitionDirectory) else {
                throw ClusterError("broker \(nodeId) has no data for \(topic)-\(partition) (no non-empty segment in \(partitionDirectory))")
            }
            let count = try Self.flipTail(of: segment.path, size: segment.size, bytes: bytes)
            return "corrupted the last \(count) of \(segment.size) bytes of \(topic)-\(partition)/\((segment.path as NSString).lastPathComponent) "
                + "on broker \(nodeId); when it starts (`gregor fault restart \(nodeId)\(directory.dirOption)`) it finds the CRC mismatch "
                + "and truncates the log to its last whole batch"
        }
    }

    /// The `.log` file with the highest base offset that has bytes in it.
    static func newestSegment(in directory: String) throws -> (path: String, size: Int)? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        for name in names.filter({ $0.hasSuffix(".log") }).sorted().reversed() {
            let path = (directory as NSString).appendingPathComponent(name)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            if size > 0 { return (path, size) }
        }
        return nil
    }

    /// Inverts every bit of the last `bytes` bytes (so each one surely changes); returns how many.
    static func flipTail(of path: String, size: Int, bytes: Int) throws -> Int {
        let count = min(bytes, size)
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw ClusterError("cannot open \(path) for writing") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(size - count))
        let tail = try handle.read(upToCount: count) ?? Data()
        try handle.seek(toOffset: UInt64(size - count))
        try handle.write(contentsOf: Data(tail.map { ~$0 }))
        try handle.synchronize()
        return tail.count
    }
}
