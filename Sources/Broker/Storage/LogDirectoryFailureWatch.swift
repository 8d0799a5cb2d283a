import LogStorage
import NIOCore
import SystemPackage

/// The broker's file system, watched for the first failed write, fsync, truncate or directory change:
/// Kafka then takes the log directory offline, and with its only log directory gone stops the broker
/// ("Shutdown broker because all log dirs in ... have failed", `LogManager.handleLogDirFailure`).
/// Gregor has one log directory, so `onFailure` stops the process the same way.
struct LogDirectoryFailureWatch: LogFileSystem {
    let base: any LogFileSystem
    let onFailure: @Sendable (LogStorageError) -> Void

    func openFile(at path: FilePath, create: Bool) throws(LogStorageError) -> any LogFile {
        WatchedLogFile(base: try base.openFile(at: path, create: create), onFailure: onFailure)
    }

    func contentsOfDirectory(at path: FilePath) throws(LogStorageError) -> [String] { try base.contentsOfDirectory(at: path) }
    func createDirectory(at path: FilePath) throws(LogStorageError) { try watch(onFailure) { () throws(LogStorageError) in try base.createDirectory(at: path) } }
    func exists(at path: FilePath) -> Bool { base.exists(at: path) }
    func isDirectory(at path: FilePath) -> Bool { base.isDirectory(at: path) }
    func rename(from source: FilePath, to destination: FilePath) throws(LogStorageError) {
        try watch(onFailure) { () throws(LogStorageError) in try base.rename(from: source, to: destination) }
    }
    func removeItem(at path: FilePath) throws(LogStorageError) { try base.removeItem(at: path) }
    func syncDirectory(at path: FilePath) throws(LogStorageError) { try watch(onFailure) { () throws(LogStorageError) in try base.syncDirectory(at: path) } }
    func lockDirectory(at path: FilePath) throws(LogStorageError) -> any LogDirectoryLock { try base.lockDirectory(at: path) }
}

/// One file of `LogDirectoryFailureWatch`.
final class WatchedLogFile: LogFile {
    let base: any LogFile
    let onFailure: @Sendable (LogStorageError) -> Void

    init(base: any LogFile, onFailure: @escaping @Sendable (LogStorageError) -> Void) {
        self.base = base
        self.onFailure = onFailure
    }

    var path: FilePath { base.path }
    var fileHandle: NIOFileHandle? { base.fileHandle }

    func size() throws(LogStorageError) -> Int64 { try base.size() }
    func duplicateFileHandle() throws(LogStorageError) -> NIOFileHandle? { try base.duplicateFileHandle() }

    @discardableResult
    func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws(LogStorageError) -> Int {
        try base.read(at: position, count: count, into: &buffer)
    }

    func write(_ parts: [ByteBuffer], at position: Int64) throws(LogStorageError) {
        try watch(onFailure) { () throws(LogStorageError) in try base.write(parts, at: position) }
    }

    func truncate(to size: Int64) throws(LogStorageError) { try watch(onFailure) { () throws(LogStorageError) in try base.truncate(to: size) } }
    func sync() throws(LogStorageError) { try watch(onFailure) { () throws(LogStorageError) in try base.sync() } }
}

/// Runs `operation`, reporting an I/O error to `onFailure` before rethrowing it.
private func watch(_ onFailure: (LogStorageError) -> Void, _ operation: () throws(LogStorageError) -> Void) throws(LogStorageError) {
    do {
        try operation()
    } catch {
        if case .io = error { onFailure(error) }
        throw error
    }
}
