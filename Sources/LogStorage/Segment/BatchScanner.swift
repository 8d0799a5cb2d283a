import KafkaRecords
import NIOCore

/// Walks the batches of a segment file from a position by their length fields, reading the file in
/// chunks so that small batches cost no system call each.
///
/// It stops at the end, or at the first batch that is cut short or whose length is impossible
/// (`stop`), which is what recovery truncates at.
struct BatchScanner {
    /// One batch found in the file.
    struct Entry {
        var position: Int64
        var header: BatchHeader
        /// The whole batch, when the scanner was asked to read bodies.
        var batch: RecordBatch?
    }

    /// Why the walk ended before `end`.
    enum Stop: Equatable {
        /// Fewer bytes left than the batch's length says: a torn write.
        case truncatedBatch(position: Int64, available: Int64)
        /// A length field smaller than a batch header, or not a v2 batch.
        case invalidHeader(position: Int64, reason: String)
    }

    /// Bytes read at a time: whole batches need room; header walks (index lookups) need little.
    static let bodyChunkSize = 64 * 1024
    static let headerChunkSize = 8 * 1024

    let file: any LogFile
    /// Bytes past this are not looked at (the size of the segment when the scan began).
    let end: Int64
    /// Whether to read whole batches (for CRC checks) or headers only.
    let readsBodies: Bool
    private(set) var position: Int64
    private(set) var stop: Stop?
    private var chunk: ByteBuffer
    private var chunkStart: Int64 = 0

    init(file: any LogFile, from position: Int64, end: Int64, readsBodies: Bool = false) {
        self.file = file
        self.position = position
        self.end = end
        self.readsBodies = readsBodies
        self.chunk = ByteBuffer()
    }

    /// The next batch, or nil at the end or at a stop.
    mutating func next() throws(LogStorageError) -> Entry? {
        guard stop == nil, position < end else { return nil }
        guard end - position >= Int64(RecordBatch.headerSize) else {
            stop = .truncatedBatch(position: position, available: end - position)
            return nil
        }
        try ensureChunk(covers: RecordBatch.headerSize)
        guard let header = BatchHeader(chunk, at: chunk.readerIndex + Int(position - chunkStart)) else {
            stop = .truncatedBatch(position: position, available: end - position)
            return nil
        }
        guard header.batchLength >= Int32(RecordBatch.headerSize - RecordBatch.logOverhead) else {
            stop = .invalidHeader(position: position, reason: "batch length \(header.batchLength)")
            return nil
        }
        guard header.magic == RecordBatch.currentMagic else {
            stop = .invalidHeader(position: position, reason: "magic \(header.magic)")
            return nil
        }
        let size = Int64(header.sizeInBytes)
        guard size <= end - position else {
            stop = .truncatedBatch(position: position, available: end - position)
            return nil
        }
        var entry = Entry(position: position, header: header, batch: nil)
        if readsBodies {
            try ensureChunk(covers: Int(size))
            let start = chunk.readerIndex + Int(position - chunkStart)
            guard let bytes = chunk.getSlice(at: start, length: Int(size)),
                let batch = try? RecordBatch(bytes: bytes)
            else {
                stop = .truncatedBatch(position: position, available: end - position)
                return nil
            }
            entry.batch = batch
        }
        position += size
        return entry
    }

    /// Makes the chunk hold at least `count` bytes from `position` (or up to `end`).
    private mutating func ensureChunk(covers count: Int) throws(LogStorageError) {
        let wanted = min(Int64(count), end - position)
        let offsetInChunk = position - chunkStart
        if offsetInChunk >= 0, Int64(chunk.readableBytes) - offsetInChunk >= wanted { return }
        let chunkSize = readsBodies ? Self.bodyChunkSize : Self.headerChunkSize
        let length = Int(min(max(Int64(chunkSize), wanted), end - position))
        chunk = try file.read(at: position, count: length)
        chunkStart = position
    }
}
