import Foundation

/// An exclusive lock on a cluster directory (`flock` on `DIR/cluster.lock`), so that two commands never
/// rewrite the cluster file at once (say `fault restart 1` and `fault restart 2` from a chaos script).
/// The kernel drops it when the holder exits, so a crashed command leaves no stale lock.
public enum ClusterLock {
    public static let fileName = "cluster.lock"

    /// Runs `body` holding the lock; waits at most `timeout` for another command to release it.
    public static func withLock<T>(
        directory: String, timeout: Duration = .seconds(30), _ body: () async throws -> T
    ) async throws -> T {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ClusterError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw ClusterError("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            guard ContinuousClock.now < deadline else {
                throw ClusterError("another gregor command has held \(path) for \(timeout.text); try again when it is done")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
