import NIOCore

/// A range of bytes in a segment file, the result of a read: the broker sends it as it is, with
/// sendfile where it can (`fileRegion`) or by reading the bytes (`readBytes()`).
///
/// The slice holds its file, so a segment that retention deletes while a fetch is in flight stays
/// readable until the slice is released.
public struct LogFileSlice: Sendable {
    /// The file; its lifetime is at least the slice's.
    public let file: any LogFile
    /// Where the bytes start in the file.
    public let position: Int64
    /// How many bytes.
    public let length: Int

    public init(file: any LogFile, position: Int64, length: Int) {
        self.file = file
        self.position = position
        self.length = length
    }

    /// The bytes, read with pread. Fewer than `length` only when the file was truncated since.
    public func readBytes(allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(LogStorageError) -> ByteBuffer {
        try file.read(at: position, count: length, allocator: allocator)
    }

    /// A NIO file region over the slice using the file's shared handle, or nil when the file is not
    /// backed by the kernel. Keep the slice alive until the write completes. NIO refuses a second
    /// concurrent use of one handle (EBUSY): see `LogFile.fileHandle`.
    public var fileRegion: FileRegion? {
        file.fileHandle.map { FileRegion(fileHandle: $0, readerIndex: Int(position), endIndex: Int(position) + length) }
    }
}
