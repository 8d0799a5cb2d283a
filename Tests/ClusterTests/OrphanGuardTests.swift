import Testing

@testable import Cluster

@Suite("Orphan guard: when a broker of a local cluster stops itself")
struct OrphanGuardTests {
    let myPid: Int32 = 777

    func file(pids: [Int32?], state: ClusterFile.State = .running) -> ClusterFile {
        ClusterFile(
            state: state, bootstrap: "", controllerVoters: "",
            brokers: pids.enumerated().map { index, pid in
                ClusterNode(nodeId: Int32(index + 1), host: "127.0.0.1", port: 9092 + index, pid: pid, dataDir: "/d\(index)", logFile: "/l", command: [])
            })
    }

    @Test func keepsRunningWhileListed() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json")
        #expect(guardian.check(.file(file(pids: [myPid, 5])), elapsed: .seconds(1)) == .keepRunning)
        #expect(guardian.check(.file(file(pids: [myPid, 5])), elapsed: .seconds(3600)) == .keepRunning)
    }

    @Test func stopsWhenTheFileIsGone() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json")
        #expect(guardian.check(.missing, elapsed: .seconds(0)) == .stop("the cluster file /c.json is gone"))
    }

    @Test func stopsWhenTheClusterIsMarkedStopped() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json")
        guard case .stop(let reason) = guardian.check(.file(file(pids: [myPid], state: .stopped)), elapsed: .zero) else {
            Issue.record("expected a stop")
            return
        }
        #expect(reason.contains("stopped"))
    }

    @Test func stopsOnceNoLongerListed() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json")
        #expect(guardian.check(.file(file(pids: [myPid])), elapsed: .seconds(1)) == .keepRunning)
        guard case .stop(let reason) = guardian.check(.file(file(pids: [888])), elapsed: .seconds(2)) else {
            Issue.record("expected a stop")
            return
        }
        #expect(reason.contains("no longer lists this broker (pid 777)"))
    }

    @Test func waitsForTheLauncherToRecordThePidWithinTheGrace() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json", grace: .seconds(10))
        #expect(guardian.check(.file(file(pids: [nil])), elapsed: .seconds(1)) == .keepRunning)
        #expect(guardian.check(.file(file(pids: [nil])), elapsed: .seconds(9)) == .keepRunning)
        guard case .stop = guardian.check(.file(file(pids: [nil])), elapsed: .seconds(11)) else {
            Issue.record("expected a stop after the grace")
            return
        }
    }

    @Test func anUnreadableFileIsNoVerdict() {
        var guardian = OrphanGuard(pid: myPid, path: "/c.json")
        #expect(guardian.check(.file(file(pids: [myPid])), elapsed: .seconds(1)) == .keepRunning)
        #expect(guardian.check(.unreadable, elapsed: .seconds(2)) == .keepRunning)
        #expect(guardian.check(.file(file(pids: [myPid])), elapsed: .seconds(3)) == .keepRunning)
    }
}
