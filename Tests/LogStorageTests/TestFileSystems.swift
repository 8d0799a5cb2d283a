import LogStorage
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file systems a test runs against: the same tests drive the in-memory one and the real disk.
enum FileSystemKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, posix
    var testDescription: String { rawValue }
}

/// A scratch directory on a file system, removed by `withScratchDirectory` afterwards.
struct Scratch {
    let fileSystem: any LogFileSystem
    let root: FilePath
    /// The in-memory file system, when that is what this is.
    let memory: InMemoryLogFileSystem?

    var partitionDirectory: FilePath { root.appending("orders-0") }
}

func withScratchDirectory<T>(_ kind: FileSystemKind, _ body: (Scratch) throws -> T) throws -> T {
    switch kind {
    case .memory:
        let memory = InMemoryLogFileSystem()
        let root = FilePath("/data")
        try memory.createDirectory(at: root)
        return try body(Scratch(fileSystem: memory, root: root, memory: memory))
    case .posix:
        let fileSystem = PosixLogFileSystem()
        var template = Array("/tmp/gregor-logstorage-XXXXXX".utf8CString)
        let root = template.withUnsafeMutableBufferPointer { pointer -> FilePath? in
            guard let base = pointer.baseAddress, let result = mkdtemp(base) else { return nil }
            return FilePath(String(cString: result))
        }
        guard let root else { throw LogStorageError.io(operation: "mkdtemp", path: "/tmp", errno: errno) }
        defer { try? fileSystem.removeItem(at: root) }
        return try body(Scratch(fileSystem: fileSystem, root: root, memory: nil))
    }
}

/// A small configuration that makes segments roll often.
func smallConfig(segmentBytes: Int = 4096, indexInterval: Int = 256) -> LogConfig {
    var config = LogConfig()
    config.segmentBytes = segmentBytes
    config.indexIntervalBytes = indexInterval
    config.fileDeleteDelayMs = 0
    return config
}
