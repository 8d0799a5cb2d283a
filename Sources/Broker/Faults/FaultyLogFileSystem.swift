import Faults
import Foundation
import LogStorage
import NIOCore
import SystemPackage

/// The broker's file system with the disk faults of `BrokerFaults` applied: every write and fsync waits
/// `slowDiskMs` first (the thread waits, as Kafka's request handler threads wait for a slow disk), and
/// with `diskFull` every write fails with ENOSPC. Reads, creates and renames are left alone.
struct FaultyLogFileSystem: LogFileSystem {
    let base: any LogFileSystem
    let faults: BrokerFaults

    func openFile(at path: FilePath, create: Bool) throws(LogStorageError) -> any LogFile {
        FaultyLogFile(base: try base.openFile(at: path, create: create), faults: faults)
    }

    func contentsOfDirectory(at path: FilePath) throws(LogStorageError) -> [String] { try base.contentsOfDirectory(at: path) }
    func createDirectory(at path: FilePath) throws(LogStorageError) { try base.createDirectory(at: path) }
    func exists(at path: FilePath) -> Bool { base.exists(at: path) }
    func isDirectory(at path: FilePath) -> Bool { base.isDirectory(at: path) }
    func rename(from source: FilePath, to destination: FilePath) throws(LogStorageError) { try base.rename(from: source, to: destination) }
    func removeItem(at path: FilePath) throws(LogStorageError) { try base.removeItem(at: path) }
    func syncDirectory(at path: FilePath) throws(LogStorageError) { try base.syncDirectory(at: path) }
    func lockDirectory(at path: FilePath) throws(LogStorageError) -> any LogDirectoryLock { try base.lockDirectory(at: path) }
}

/// One file of `FaultyLogFileSystem`.
final class FaultyLogFile: LogFile {
    let base: any LogFile
    let faults: BrokerFaults

    init(base: any LogFile, faults: BrokerFaults) {
        self.base = base
        self.faults = faults
    }

    var path: FilePath { base.path }
    var fileHandle: NIOFileHandle? { base.fileHandle }

    func size() throws(LogStorageError) -> Int64 { try base.size() }
    func duplicateFileHandle() throws(LogStorageError) -> NIOFileHandle? { try base.duplicateFileHandle() }
    func truncate(to size: Int64) throws(LogStorageError) { try base.truncate(to: size) }

    @discardableResult
    func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws(LogStorageError) -> Int {
        try base.read(at: position, count: count, into: &buffer)
    }

    func write(_ parts: [ByteBuffer], at position: Int64) throws(LogStorageError) {
        let settings = wait()
        if settings.diskFull, parts.contains(where: { $0.readableBytes > 0 }) {
            throw .io(operation: "write", path: path.string, errno: ENOSPC)
        }
        try base.write(parts, at: position)
    }

    func sync() throws(LogStorageError) {
        wait()
        try base.sync()
    }

    /// Sleeps the slow disk's latency; returns the settings it read.
    @discardableResult
    private func wait() -> FaultSettings {
        let settings = faults.current
        if settings.slowDiskMs > 0 { usleep(useconds_t(settings.slowDiskMs) * 1000) }
        return settings
    }
}
