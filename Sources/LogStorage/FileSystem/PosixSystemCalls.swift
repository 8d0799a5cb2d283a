#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the system calls the POSIX file system uses: retry on EINTR, turn -1 into a
/// `LogStorageError.io` that names the operation and the path.
enum PosixSystemCalls {
    static func check(_ result: Int, _ operation: String, _ path: String) throws(LogStorageError) -> Int {
        if result >= 0 { return result }
        throw .io(operation: operation, path: path, errno: errno)
    }

    /// Runs `call` until it does not fail with EINTR.
    static func retrying(_ operation: String, _ path: String, _ call: () -> Int) throws(LogStorageError) -> Int {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw .io(operation: operation, path: path, errno: code)
        }
    }

    static func open(_ path: String, flags: CInt, mode: mode_t = 0o644) throws(LogStorageError) -> CInt {
        CInt(try retrying("open", path) { Int(Glibc_open(path, flags, mode)) })
    }

    static func fsync(_ descriptor: CInt, _ path: String) throws(LogStorageError) {
        _ = try retrying("fsync", path) { Int(platformFsync(descriptor)) }
    }

    static func fileStatus(_ path: String) -> stat? {
        var status = stat()
        return stat(path, &status) == 0 ? status : nil
    }

    static func isDirectory(_ status: stat) -> Bool {
        (status.st_mode & S_IFMT) == S_IFDIR
    }
}

@inline(__always)
private func Glibc_open(_ path: String, _ flags: CInt, _ mode: mode_t) -> CInt {
    open(path, flags, mode)
}

@inline(__always)
private func platformFsync(_ descriptor: CInt) -> CInt {
    #if canImport(Darwin)
    // On macOS fsync does not reach the platter; F_FULLFSYNC does.
    if fcntl(descriptor, F_FULLFSYNC) == 0 { return 0 }
    #endif
    return fsync(descriptor)
}
