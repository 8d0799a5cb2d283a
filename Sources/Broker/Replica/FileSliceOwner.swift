import KafkaProtocol
import LogStorage
import NIOCore

/// A duplicated descriptor of a segment file, owned by one fetch response and closed when the
/// response has been sent. NIO lets only one event loop at a time use a `NIOFileHandle`, so each
/// response gets its own (`LogFile.duplicateFileHandle`).
final class DuplicatedFileHandle: Sendable {
    let handle: NIOFileHandle
    /// Keeps the segment file itself alive too, so a retention delete waits for the response.
    let file: any LogFile

    init(handle: NIOFileHandle, file: any LogFile) {
        self.handle = handle
        self.file = file
    }

    deinit { try? handle.close() }
}

extension LogFileSlice {
    /// The slice as a `records` payload: a file range for sendfile when the file is backed by the
    /// kernel, else the bytes.
    func recordsPayload() throws -> RecordsPayload {
        if let handle = try file.duplicateFileHandle() {
            let owner = DuplicatedFileHandle(handle: handle, file: file)
            let region = FileRegion(fileHandle: handle, readerIndex: Int(position), endIndex: Int(position) + length)
            return .file(FileSlice(region: region, owner: owner))
        }
        return .bytes(try readBytes())
    }
}
