import Cluster
import Foundation

/// The orphan guard of a broker started by `gregor cluster` (`--cluster-file`): a background thread
/// looks at the cluster file twice a second and, once `OrphanGuard` says the broker was left behind
/// (file gone, cluster marked stopped, this pid no longer listed), sends this process SIGTERM so that
/// it shuts down cleanly. Without it a broker whose cluster was forgotten would run forever.
enum ClusterFileWatch {
    /// How long a clean shutdown may take before the guard ends the process outright.
    static let shutdownLimit: TimeInterval = 60

    static func start(path: String) {
        let path = ClusterPlan.absolute(path)
        Thread.detachNewThread {
            var orphanGuard = OrphanGuard(pid: getpid(), path: path)
            let started = ContinuousClock.now
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                let verdict = orphanGuard.check(observe(path), elapsed: ContinuousClock.now - started)
                guard case .stop(let reason) = verdict else { continue }
                FileHandle.standardError.write(Data("orphan guard: \(reason): stopping (SIGTERM)\n".utf8))
                kill(getpid(), SIGTERM)
                Thread.sleep(forTimeInterval: shutdownLimit)
                FileHandle.standardError.write(Data("orphan guard: still running \(Int(shutdownLimit))s after SIGTERM: exiting\n".utf8))
                exit(1)
            }
        }
    }

    private static func observe(_ path: String) -> OrphanGuard.Observation {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        guard let file = try? ClusterFile.load(from: path) else { return .unreadable }
        return .file(file)
    }
}
