import NIOCore

/// The value of a `records` field: record batches either in memory or as a range of a log file.
///
/// Requests always decode to `.bytes` (a slice of the request, no copy). A broker answering a fetch
/// can hand over `.file` instead, and the connection sends those bytes with sendfile; see
/// `KafkaWriter.splices`.
public enum RecordsPayload: Sendable, Hashable {
    case bytes(ByteBuffer)
    case file(FileSlice)

    /// An empty in-memory payload.
    public static var empty: RecordsPayload { .bytes(ByteBuffer()) }

    /// How many bytes the payload holds.
    public var count: Int {
        switch self {
        case .bytes(let buffer): buffer.readableBytes
        case .file(let slice): slice.region.readableBytes
        }
    }

    /// The in-memory bytes, or nil for a file range.
    public var buffer: ByteBuffer? {
        if case .bytes(let buffer) = self { return buffer }
        return nil
    }
}

/// A byte range of an open file, with the object that keeps the file open until the range is sent.
public struct FileSlice: Sendable, Hashable {
    public var region: FileRegion
    /// Whatever owns the descriptor (a log segment's handle); held so it cannot close underneath.
    public var owner: any AnyObject & Sendable

    public init(region: FileRegion, owner: any AnyObject & Sendable) {
        self.region = region
        self.owner = owner
    }

    public static func == (lhs: FileSlice, rhs: FileSlice) -> Bool {
        lhs.owner === rhs.owner && lhs.region.readerIndex == rhs.region.readerIndex
            && lhs.region.endIndex == rhs.region.endIndex
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(owner))
        hasher.combine(region.readerIndex)
        hasher.combine(region.endIndex)
    }
}
