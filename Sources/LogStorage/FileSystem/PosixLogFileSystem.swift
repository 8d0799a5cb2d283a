import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system: POSIX calls on the local disk. This is what the broker uses.
public struct PosixLogFileSystem: LogFileSystem {
    public init() {}

    public func openFile(at path: FilePath, create: Bool) throws(LogStorageError) -> any LogFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let descriptor = try PosixSystemCalls.open(path.string, flags: flags)
        return PosixLogFile(path: path, descriptor: descriptor)
    }

    public func contentsOfDirectory(at path: FilePath) throws(LogStorageError) -> [String] {
        guard let directory = opendir(path.string) else {
            throw .io(operation: "opendir", path: path.string, errno: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func createDirectory(at path: FilePath) throws(LogStorageError) {
        if isDirectory(at: path) { return }
        let parent = path.removingLastComponent()
        if !parent.isEmpty, parent != path, !exists(at: parent) { try createDirectory(at: parent) }
        if mkdir(path.string, 0o755) != 0, errno != EEXIST {
            throw .io(operation: "mkdir", path: path.string, errno: errno)
        }
    }

    public func exists(at path: FilePath) -> Bool {
        PosixSystemCalls.fileStatus(path.string) != nil
    }

    public func isDirectory(at path: FilePath) -> Bool {
        PosixSystemCalls.fileStatus(path.string).map(PosixSystemCalls.isDirectory) ?? false
    }

    public func rename(from source: FilePath, to destination: FilePath) throws(LogStorageError) {
        _ = try PosixSystemCalls.check(Int(Glibc_rename(source.string, destination.string)), "rename", source.string)
    }

    public func removeItem(at path: FilePath) throws(LogStorageError) {
        var status = stat()
        guard lstat(path.string, &status) == 0 else { return }
        if PosixSystemCalls.isDirectory(status) {
            for name in try contentsOfDirectory(at: path) {
                try removeItem(at: path.appending(name))
            }
            if rmdir(path.string) != 0, errno != ENOENT {
                throw .io(operation: "rmdir", path: path.string, errno: errno)
            }
        } else if unlink(path.string) != 0, errno != ENOENT {
            throw .io(operation: "unlink", path: path.string, errno: errno)
        }
    }

    public func syncDirectory(at path: FilePath) throws(LogStorageError) {
        let descriptor = try PosixSystemCalls.open(path.string, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try PosixSystemCalls.fsync(descriptor, path.string)
    }

    public func lockDirectory(at path: FilePath) throws(LogStorageError) -> any LogDirectoryLock {
        let lockPath = path.appending(".lock").string
        let descriptor = try PosixSystemCalls.open(lockPath, flags: O_RDWR | O_CREAT | O_CLOEXEC)
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw .directoryLocked(path: path.string) }
            throw .io(operation: "flock", path: lockPath, errno: code)
        }
        return PosixDirectoryLock(descriptor: descriptor)
    }
}

/// Holds the flock on a data directory's `.lock` file until unlocked or released.
final class PosixDirectoryLock: LogDirectoryLock {
    private let descriptor: Locked<CInt>

    init(descriptor: CInt) { self.descriptor = Locked(descriptor) }

    func unlock() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            _ = flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    deinit { unlock() }
}

@inline(__always)
private func Glibc_rename(_ source: String, _ destination: String) -> CInt {
    rename(source, destination)
}
