import NIOCore
import SystemPackage

/// A file system in memory, for fast tests and for crash simulation: `simulateCrash(keepingUnsynced:)`
/// throws away what was written since each file's last `sync()` (or part of it, a torn write), as a
/// power cut would.
///
/// The crash model is simple on purpose: a file's durable part is the prefix that was synced and not
/// overwritten since; truncation and directory changes (create, rename, remove) count as durable at
/// once.
public final class InMemoryLogFileSystem: LogFileSystem {
    private struct Tree {
        var directories: Set<String> = ["/"]
        var files: [String: InMemoryLogFile] = [:]
        var lockedDirectories: Set<String> = []
    }

    private let tree = Locked(Tree())

    public init() {}

    /// The file at `path`, to inspect or damage its bytes in tests.
    public func file(at path: FilePath) -> InMemoryLogFile? {
        tree.withLock { $0.files[path.string] }
    }

    /// Every file path, sorted.
    public var allFilePaths: [String] { tree.withLock { $0.files.keys.sorted() } }

    /// Drops, in every file, the bytes not yet synced. `keepingUnsynced` picks how many unsynced bytes
    /// (0...count) of each file survive anyway, to model pages the OS wrote back before the crash.
    public func simulateCrash(keepingUnsynced: (_ path: String, _ unsyncedCount: Int) -> Int = { _, _ in 0 }) {
        let files = tree.withLock { $0.files }
        for (path, file) in files {
            file.crash { keepingUnsynced(path, $0) }
        }
        tree.withLock { $0.lockedDirectories.removeAll() }
    }

    public func openFile(at path: FilePath, create: Bool) throws(LogStorageError) -> any LogFile {
        let key = path.string
        let parent = path.removingLastComponent().string
        let result: Result<InMemoryLogFile, LogStorageError> = tree.withLock { tree in
            if let file = tree.files[key] { return .success(file) }
            guard create else { return .failure(.io(operation: "open", path: key, errno: 2)) }  // ENOENT
            guard tree.directories.contains(parent) else { return .failure(.io(operation: "open", path: key, errno: 2)) }
            guard !tree.directories.contains(key) else { return .failure(.io(operation: "open", path: key, errno: 21)) }  // EISDIR
            let file = InMemoryLogFile(path: path)
            tree.files[key] = file
            return .success(file)
        }
        return try result.get()
    }

    public func contentsOfDirectory(at path: FilePath) throws(LogStorageError) -> [String] {
        let key = path.string
        let result: Result<[String], LogStorageError> = tree.withLock { tree in
            guard tree.directories.contains(key) else { return .failure(.io(operation: "opendir", path: key, errno: 2)) }
            let children = tree.directories.filter { $0 != key && FilePath($0).removingLastComponent().string == key }
                + tree.files.keys.filter { FilePath($0).removingLastComponent().string == key }
            return .success(children.compactMap { FilePath($0).lastComponent?.string })
        }
        return try result.get()
    }

    public func createDirectory(at path: FilePath) throws(LogStorageError) {
        var components: [String] = []
        var current = path
        while !current.isEmpty, current.string != "/" {
            components.append(current.string)
            current = current.removingLastComponent()
        }
        let result: Result<Void, LogStorageError> = tree.withLock { tree in
            for directory in components.reversed() {
                if tree.files[directory] != nil { return .failure(.io(operation: "mkdir", path: directory, errno: 17)) }
                tree.directories.insert(directory)
            }
            return .success(())
        }
        try result.get()
    }

    public func exists(at path: FilePath) -> Bool {
        tree.withLock { $0.files[path.string] != nil || $0.directories.contains(path.string) }
    }

    public func isDirectory(at path: FilePath) -> Bool {
        tree.withLock { $0.directories.contains(path.string) }
    }

    public func rename(from source: FilePath, to destination: FilePath) throws(LogStorageError) {
        let from = source.string, to = destination.string
        let result: Result<Void, LogStorageError> = tree.withLock { tree in
            if let file = tree.files.removeValue(forKey: from) {
                tree.files[to] = file
                return .success(())
            }
            guard tree.directories.contains(from) else { return .failure(.io(operation: "rename", path: from, errno: 2)) }
            let prefix = from + "/"
            tree.directories.remove(from)
            tree.directories.insert(to)
            for directory in tree.directories where directory.hasPrefix(prefix) {
                tree.directories.remove(directory)
                tree.directories.insert(to + "/" + directory.dropFirst(prefix.count))
            }
            for (path, file) in tree.files where path.hasPrefix(prefix) {
                tree.files.removeValue(forKey: path)
                tree.files[to + "/" + path.dropFirst(prefix.count)] = file
            }
            return .success(())
        }
        try result.get()
    }

    public func removeItem(at path: FilePath) throws(LogStorageError) {
        let key = path.string, prefix = key + "/"
        tree.withLock { tree in
            tree.files.removeValue(forKey: key)
            tree.directories.remove(key)
            tree.directories = tree.directories.filter { !$0.hasPrefix(prefix) }
            tree.files = tree.files.filter { !$0.key.hasPrefix(prefix) }
        }
    }

    public func syncDirectory(at path: FilePath) throws(LogStorageError) {
        guard isDirectory(at: path) else { throw .io(operation: "fsync", path: path.string, errno: 2) }
    }

    public func lockDirectory(at path: FilePath) throws(LogStorageError) -> any LogDirectoryLock {
        let key = path.string
        let locked = tree.withLock { tree in tree.lockedDirectories.insert(key).inserted }
        guard locked else { throw .directoryLocked(path: key) }
        return InMemoryDirectoryLock { [weak self] in
            _ = self?.tree.withLock { $0.lockedDirectories.remove(key) }
        }
    }
}

/// The lock object of the in-memory file system.
final class InMemoryDirectoryLock: LogDirectoryLock {
    private let release: Locked<(@Sendable () -> Void)?>

    init(release: @escaping @Sendable () -> Void) { self.release = Locked(release) }

    func unlock() {
        let action = release.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }

    deinit { unlock() }
}
