import Foundation
import Testing

@testable import Cluster

@Suite("Processes: /proc parsing, broker identity, the launcher", .timeLimit(.minutes(1)))
struct ProcessTests {
    @Test func theStateFollowsTheLastParenthesis() {
        #expect(ProcFS.state(statLine: "1234 (gregor) S 1 1234 1234 0 -1") == "S")
        #expect(ProcFS.state(statLine: "1234 (a) b) (c) T 1 1234") == "T")
        #expect(ProcFS.state(statLine: "garbage") == nil)
    }

    @Test func commandLinesSplitAtNul() {
        #expect(ProcFS.commandLine(Data("gregor\0broker\0--data-dir\0/d\0".utf8)) == ["gregor", "broker", "--data-dir", "/d"])
        #expect(ProcFS.commandLine(Data()) == [])
    }

    @Test func aBrokerIsRecognisedByItsSubcommandAndDataDir() {
        let line = ["/x/gregor", "broker", "--node-id", "1", "--data-dir", "/c/broker-1", "--cluster-file", "/c/cluster.json"]
        #expect(BrokerProcess.isBroker(commandLine: line, dataDir: "/c/broker-1"))
        #expect(BrokerProcess.isBroker(commandLine: line, dataDir: "/c/./broker-1"))
        #expect(!BrokerProcess.isBroker(commandLine: line, dataDir: "/c/broker-2"))
        #expect(BrokerProcess.isBroker(commandLine: ["/x/gregor", "broker", "--data-dir=/c/b"], dataDir: "/c/b"))
        #expect(!BrokerProcess.isBroker(commandLine: ["/usr/bin/sleep", "30"], dataDir: "/c/broker-1"))
        #expect(!BrokerProcess.isBroker(commandLine: ["/x/gregor", "topic", "--data-dir", "/c/broker-1"], dataDir: "/c/broker-1"))
        #expect(!BrokerProcess.isBroker(commandLine: [], dataDir: "/c/broker-1"))
    }

    @Test func theLauncherDetachesAndAppendsOutput() async throws {
        let log = NSTemporaryDirectory() + "launcher-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        ProcessLauncher.appendLine("=== first line", to: log)
        let pid = try ProcessLauncher.launch(["/bin/sh", "-c", "echo out; echo err >&2; exec sleep 30"], appendingOutputTo: log)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        // setsid: the child leads a session of its own (field 6 of /proc/PID/stat is the session id).
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        #expect(fields[3] == "\(pid)")
        let deadline = ContinuousClock.now + .seconds(10)
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("out") && text.contains("err") { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(text.hasPrefix("=== first line\n"))
        #expect(text.contains("out\n") && text.contains("err\n"))
        #expect(ProcessLauncher.lastLine(of: log) == "err" || ProcessLauncher.lastLine(of: log) == "out")
    }

    @Test func aPidThatIsNotTheBrokerIsNeverSignalled() async throws {
        let log = NSTemporaryDirectory() + "launcher-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try ProcessLauncher.launch(["/bin/sleep", "30"], appendingOutputTo: log)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        let impostor = BrokerProcess(pid: pid, dataDir: "/tmp/broker-1")
        #expect(!impostor.isThisBroker)
        #expect(impostor.state == .stopped)
        #expect(!impostor.send(SIGTERM))
        try await Task.sleep(for: .milliseconds(100))
        #expect(ProcFS.state(of: pid) != nil && ProcFS.state(of: pid) != "Z")
        #expect(await impostor.stop(grace: .milliseconds(100)) == .notRunning)
        #expect(ProcFS.state(of: pid) != nil && ProcFS.state(of: pid) != "Z")
    }

    @Test func aMissingExecutableIsAClearError() {
        #expect {
            _ = try ProcessLauncher.launch(["/nonexistent/gregor", "broker"], appendingOutputTo: "/dev/null")
        } throws: { error in
            (error as? ClusterError)?.message.contains("is not an executable file") == true
        }
    }

    @Test func aBoundPortIsNotFree() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        try #require(bound)
        #expect(!LoopbackPort.isFree(Int(UInt16(bigEndian: address.sin_port))))
    }
}
