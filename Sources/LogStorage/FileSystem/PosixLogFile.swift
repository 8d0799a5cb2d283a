import NIOCore
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file on the real disk. Owns one descriptor, wrapped in a `NIOFileHandle` for sendfile, and
/// closes it when the last reference (a segment, or a read slice still in flight) goes away.
///
/// Reads and writes use the raw descriptor with pread/pwritev, never the handle's scoped access, so
/// they do not contend with NIO using the handle.
public final class PosixLogFile: LogFile {
    public let path: FilePath
    private let descriptor: CInt
    private let handle: NIOFileHandle

    init(path: FilePath, descriptor: CInt) {
        self.path = path
        self.descriptor = descriptor
        self.handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor)
    }

    deinit {
        if (try? handle.close()) == nil, let raw = try? handle.takeDescriptorOwnership() {
            _ = close(raw)
        }
    }

    public var fileHandle: NIOFileHandle? { handle }

    public func duplicateFileHandle() throws(LogStorageError) -> NIOFileHandle? {
        let copy = try PosixSystemCalls.check(Int(dup(descriptor)), "dup", path.string)
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: CInt(copy))
    }

    public func size() throws(LogStorageError) -> Int64 {
        var status = stat()
        _ = try PosixSystemCalls.check(Int(fstat(descriptor, &status)), "fstat", path.string)
        return Int64(status.st_size)
    }

    @discardableResult
    public func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws(LogStorageError) -> Int {
        var total = 0
        while total < count {
            let want = count - total
            let at = position + Int64(total)
            var failure: Int32 = 0
            let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { pointer -> Int in
                while true {
                    let result = pread(descriptor, pointer.baseAddress, want, off_t(at))
                    if result >= 0 { return result }
                    if errno == EINTR { continue }
                    failure = errno
                    return 0
                }
            }
            if failure != 0 { throw .io(operation: "pread", path: path.string, errno: failure) }
            if got == 0 { break }
            total += got
        }
        return total
    }

    public func write(_ parts: [ByteBuffer], at position: Int64) throws(LogStorageError) {
        var vectors: [iovec] = []
        var storages: [Unmanaged<AnyObject>] = []
        vectors.reserveCapacity(parts.count)
        storages.reserveCapacity(parts.count)
        defer { for storage in storages { storage.release() } }
        for part in parts where part.readableBytes > 0 {
            part.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
                storages.append(storage.retain())
                vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count))
            }
        }
        try writeAll(&vectors[...], at: position)
    }

    /// pwritev until every vector is written, resuming after short writes.
    private func writeAll(_ vectors: inout ArraySlice<iovec>, at position: Int64) throws(LogStorageError) {
        var offset = position
        while let first = vectors.first {
            if first.iov_len == 0 { vectors.removeFirst(); continue }
            let batch = min(vectors.count, 1024)  // IOV_MAX
            let written = try vectors.withUnsafeBufferPointer { pointer throws(LogStorageError) -> Int in
                try PosixSystemCalls.retrying("pwritev", path.string) {
                    pwritev(descriptor, pointer.baseAddress, CInt(batch), off_t(offset))
                }
            }
            offset += Int64(written)
            var remaining = written
            while remaining > 0, let vector = vectors.first {
                if vector.iov_len <= remaining {
                    remaining -= vector.iov_len
                    vectors.removeFirst()
                } else {
                    let index = vectors.startIndex
                    vectors[index].iov_base = vector.iov_base.map { $0 + remaining }
                    vectors[index].iov_len -= remaining
                    remaining = 0
                }
            }
        }
    }

    public func truncate(to size: Int64) throws(LogStorageError) {
        _ = try PosixSystemCalls.retrying("ftruncate", path.string) { Int(ftruncate(descriptor, off_t(size))) }
    }

    public func sync() throws(LogStorageError) {
        try PosixSystemCalls.fsync(descriptor, path.string)
    }
}
