import NIOCore
import SystemPackage

/// A file of the in-memory file system: bytes plus how many of them are durable.
public final class InMemoryLogFile: LogFile {
    private struct Contents {
        var bytes: [UInt8] = []
        /// Leading bytes synced and not overwritten since.
        var durableCount = 0
    }

    public let path: FilePath
    private let contents = Locked(Contents())

    init(path: FilePath) { self.path = path }

    /// A copy of the bytes (tests inspect files with it).
    public var bytes: [UInt8] { contents.withLock { $0.bytes } }

    /// Overwrites one byte in place, as disk corruption would (tests only).
    public func corruptByte(at position: Int, with value: UInt8) {
        contents.withLock { if position < $0.bytes.count { $0.bytes[position] = value } }
    }

    /// Replaces the whole content, durable at once (tests only).
    public func replaceContents(_ bytes: [UInt8]) {
        contents.withLock { $0 = Contents(bytes: bytes, durableCount: bytes.count) }
    }

    func crash(keepingUnsynced: (Int) -> Int) {
        contents.withLock { contents in
            let unsynced = contents.bytes.count - contents.durableCount
            let kept = min(max(0, keepingUnsynced(unsynced)), unsynced)
            contents.bytes.removeLast(unsynced - kept)
            contents.durableCount = contents.bytes.count
        }
    }

    public var fileHandle: NIOFileHandle? { nil }

    public func duplicateFileHandle() throws(LogStorageError) -> NIOFileHandle? { nil }

    public func size() throws(LogStorageError) -> Int64 {
        Int64(contents.withLock { $0.bytes.count })
    }

    @discardableResult
    public func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws(LogStorageError) -> Int {
        guard position >= 0, count >= 0 else { throw .io(operation: "pread", path: path.string, errno: 22) }
        return contents.withLock { contents in
            let start = Int(min(position, Int64(contents.bytes.count)))
            let end = min(start + count, contents.bytes.count)
            buffer.writeBytes(contents.bytes[start..<end])
            return end - start
        }
    }

    public func write(_ parts: [ByteBuffer], at position: Int64) throws(LogStorageError) {
        guard position >= 0 else { throw .io(operation: "pwritev", path: path.string, errno: 22) }
        contents.withLock { contents in
            var offset = Int(position)
            if offset > contents.bytes.count {
                contents.bytes.append(contentsOf: repeatElement(0, count: offset - contents.bytes.count))
            }
            contents.durableCount = min(contents.durableCount, offset)
            for part in parts {
                part.withUnsafeReadableBytes { bytes in
                    let overlap = min(bytes.count, contents.bytes.count - offset)
                    if overlap > 0 {
                        contents.bytes.replaceSubrange(offset..<(offset + overlap), with: bytes.prefix(overlap))
                    }
                    contents.bytes.append(contentsOf: bytes.dropFirst(overlap))
                    offset += bytes.count
                }
            }
        }
    }

    public func truncate(to size: Int64) throws(LogStorageError) {
        guard size >= 0 else { throw .io(operation: "ftruncate", path: path.string, errno: 22) }
        contents.withLock { contents in
            let size = Int(size)
            if size < contents.bytes.count {
                contents.bytes.removeLast(contents.bytes.count - size)
            } else {
                contents.bytes.append(contentsOf: repeatElement(0, count: size - contents.bytes.count))
            }
            contents.durableCount = min(contents.durableCount, size)
        }
    }

    public func sync() throws(LogStorageError) {
        contents.withLock { $0.durableCount = $0.bytes.count }
    }
}
