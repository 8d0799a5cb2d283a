import NIOCore
import SystemPackage

/// Keeps an index file in step with its in-memory entries, writing the new entries in one write when
/// asked (on flush, roll and close) rather than one write per entry.
///
/// An index that lags its log is harmless: after a clean shutdown it is complete, and after a crash
/// recovery rebuilds the indexes of every segment it scans.
struct IndexFile {
    let path: FilePath
    let entrySize: Int
    private var file: (any LogFile)?
    /// Entries already in the file.
    private(set) var persistedCount: Int

    init(path: FilePath, entrySize: Int, file: (any LogFile)?, persistedCount: Int) {
        self.path = path
        self.entrySize = entrySize
        self.file = file
        self.persistedCount = persistedCount
    }

    private mutating func openFile(_ fileSystem: any LogFileSystem) throws(LogStorageError) -> any LogFile {
        if let file { return file }
        let opened = try fileSystem.openFile(at: path, create: true)
        file = opened
        return opened
    }

    /// Writes entries `persistedCount..<count`, whose bytes `encode` returns.
    mutating func persist(count: Int, fileSystem: any LogFileSystem, encode: (Int) -> ByteBuffer) throws(LogStorageError) {
        if count < persistedCount {
            try openFile(fileSystem).truncate(to: Int64(count * entrySize))
            persistedCount = count
        }
        guard count > persistedCount else { return }
        try openFile(fileSystem).write(encode(persistedCount), at: Int64(persistedCount * entrySize))
        persistedCount = count
    }

    /// Cuts the file when entries were removed in memory.
    mutating func truncate(toCount count: Int, fileSystem: any LogFileSystem) throws(LogStorageError) {
        guard count < persistedCount else { return }
        try openFile(fileSystem).truncate(to: Int64(count * entrySize))
        persistedCount = count
    }

    /// Replaces the whole file with `bytes` (after a rebuild).
    mutating func rewrite(_ bytes: ByteBuffer, count: Int, fileSystem: any LogFileSystem) throws(LogStorageError) {
        let file = try openFile(fileSystem)
        try file.truncate(to: 0)
        if bytes.readableBytes > 0 { try file.write(bytes, at: 0) }
        persistedCount = count
    }

    func sync() throws(LogStorageError) {
        try file?.sync()
    }

    /// Lets go of the descriptor; the next write opens the file again.
    mutating func close() { file = nil }

    /// Changes the path after a rename (the open descriptor, if any, follows the file).
    func renamed(to newPath: FilePath) -> IndexFile {
        IndexFile(path: newPath, entrySize: entrySize, file: file, persistedCount: persistedCount)
    }
}
