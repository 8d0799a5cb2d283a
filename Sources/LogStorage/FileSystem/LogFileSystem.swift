import NIOCore
import SystemPackage

/// The file operations the log needs, behind a protocol so that tests run against memory and a fault
/// layer can wrap the real thing (slow disks, full disks, torn writes).
///
/// Paths are absolute `FilePath`s. Every method that touches the disk throws `LogStorageError.io`.
public protocol LogFileSystem: Sendable {
    /// Opens a file for reading and writing, creating it (empty) when `create` is true and it is missing.
    func openFile(at path: FilePath, create: Bool) throws(LogStorageError) -> any LogFile
    /// The names (not paths) of the entries of a directory, in no particular order.
    func contentsOfDirectory(at path: FilePath) throws(LogStorageError) -> [String]
    /// Creates a directory and any missing parents; succeeds when it exists already.
    func createDirectory(at path: FilePath) throws(LogStorageError)
    /// Whether anything (file or directory) exists at `path`.
    func exists(at path: FilePath) -> Bool
    /// Whether a directory exists at `path`.
    func isDirectory(at path: FilePath) -> Bool
    /// Renames atomically, replacing a file at the destination.
    func rename(from source: FilePath, to destination: FilePath) throws(LogStorageError)
    /// Removes a file, or a directory with everything in it. Succeeds when nothing is there.
    func removeItem(at path: FilePath) throws(LogStorageError)
    /// Makes the directory's entries (creates, renames, removes) durable: fsync on the directory.
    func syncDirectory(at path: FilePath) throws(LogStorageError)
    /// Takes an exclusive lock on `<directory>/.lock`, failing with `.directoryLocked` when another
    /// holder has it. The lock lasts until `unlock()` or the lock object's end.
    func lockDirectory(at path: FilePath) throws(LogStorageError) -> any LogDirectoryLock
}

/// One open file. Positions are absolute (pread/pwrite): no shared seek pointer, so concurrent readers
/// need no lock. The file closes when the last reference goes away, which is what keeps a segment
/// readable by a fetch in flight after retention deleted it.
public protocol LogFile: AnyObject, Sendable {
    /// The path the file was opened at (it may have been renamed since; used in messages).
    var path: FilePath { get }
    /// The current size in bytes.
    func size() throws(LogStorageError) -> Int64
    /// Reads up to `count` bytes at `position` and appends them to `buffer`; fewer only at the end of
    /// the file. Returns how many bytes were read.
    @discardableResult
    func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws(LogStorageError) -> Int
    /// Writes the readable bytes of `parts`, back to back, starting at `position` (one gathering
    /// write where the platform has it). Writes everything or throws.
    func write(_ parts: [ByteBuffer], at position: Int64) throws(LogStorageError)
    /// Cuts the file to `size` bytes.
    func truncate(to size: Int64) throws(LogStorageError)
    /// Makes the written bytes durable (fsync).
    func sync() throws(LogStorageError)
    /// The descriptor as SwiftNIO's handle, for `FileRegion` and sendfile; nil for files not backed by
    /// the kernel (the in-memory file system).
    ///
    /// The handle belongs to this file and closes with it: keep the `LogFile` (or the slice that holds
    /// it) alive until NIO has finished with a region. NIO lets only one thread at a time use a
    /// `NIOFileHandle`; to send the same file from several event loops at once, use
    /// `duplicateFileHandle()`.
    var fileHandle: NIOFileHandle? { get }
    /// A new handle on a duplicate descriptor (`dup`), owned and closed by the caller; nil when not
    /// backed by the kernel.
    func duplicateFileHandle() throws(LogStorageError) -> NIOFileHandle?
}

/// An exclusive lock on a data directory, so that two brokers never open the same logs.
public protocol LogDirectoryLock: AnyObject, Sendable {
    /// Releases the lock (also done when the object goes away).
    func unlock()
}

extension LogFile {
    /// Reads exactly `count` bytes at `position`, or fewer when the file ends first.
    public func read(at position: Int64, count: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(LogStorageError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        try read(at: position, count: count, into: &buffer)
        return buffer
    }

    /// Writes one buffer at `position`.
    public func write(_ bytes: ByteBuffer, at position: Int64) throws(LogStorageError) {
        try write([bytes], at: position)
    }

    /// The whole file.
    public func readAll() throws(LogStorageError) -> ByteBuffer {
        let size = try size()
        guard size <= Int64(Int32.max) else {
            throw .corruptFile(path: path.string, reason: "\(size) bytes is too large to read whole")
        }
        return try read(at: 0, count: Int(size))
    }
}

extension LogFileSystem {
    /// The whole content of a small file, or nil when it does not exist.
    public func readFileIfExists(at path: FilePath) throws(LogStorageError) -> ByteBuffer? {
        guard exists(at: path), !isDirectory(at: path) else { return nil }
        return try openFile(at: path, create: false).readAll()
    }

    /// Replaces a small file atomically: write `<path>.tmp`, fsync it, rename over `path`, fsync the
    /// directory. A crash leaves either the old or the new content, never a mix (Kafka's checkpoint
    /// files are written the same way).
    public func writeFileAtomically(_ bytes: ByteBuffer, to path: FilePath) throws(LogStorageError) {
        let temporary = FilePath(path.string + ".tmp")
        let file = try openFile(at: temporary, create: true)
        try file.truncate(to: 0)
        try file.write(bytes, at: 0)
        try file.sync()
        try rename(from: temporary, to: path)
        let directory = path.removingLastComponent()
        try syncDirectory(at: directory.isEmpty ? FilePath(".") : directory)
    }
}
