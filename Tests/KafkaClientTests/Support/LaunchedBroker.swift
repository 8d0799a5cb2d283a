import Foundation

/// A real `gregor broker` process for the live scenarios: started from the binary built beside the
/// test bundle on port 0 with a temporary data directory, used once it logs "ready on HOST:PORT" (the
/// port it bound), stopped (SIGTERM, then SIGKILL) afterwards. Absent binary → no launched target.
///
/// Waiting for the ready line, not probing a port picked beforehand, matters on a busy machine: a
/// probe can succeed before the broker binds (a loopback connect to an unbound ephemeral port may
/// meet itself), and the broker is usable only once it has registered anyway.
final class LaunchedBroker: Sendable {
    let bootstrap: String
    private let process: Process
    private let dataDirectory: URL

    private init(bootstrap: String, process: Process, dataDirectory: URL) {
        self.bootstrap = bootstrap
        self.process = process
        self.dataDirectory = dataDirectory
    }

    /// The `gregor` executable next to this test binary, if it was built.
    static var binary: URL? {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = me.deletingLastPathComponent()
        // macOS bundles put the executable inside .xctest/Contents/MacOS.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        let candidate = directory.appendingPathComponent("gregor")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    static func launch() async throws -> LaunchedBroker {
        guard let binary else { throw LaunchError("no gregor binary beside the tests") }
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gregor-client-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        // The log lives beside (not in) the data directory, which the broker formats.
        let log = dataDirectory.appendingPathExtension("log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "broker", "--node-id", "1", "--listen", "127.0.0.1:0", "--data-dir", dataDirectory.path,
            "--log-level", "notice", "--exit-with-parent",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let port = readyPort(in: text) {
                try? FileManager.default.removeItem(at: log)
                return LaunchedBroker(bootstrap: "127.0.0.1:\(port)", process: process, dataDirectory: dataDirectory)
            }
            guard process.isRunning else {
                try? FileManager.default.removeItem(at: log)
                throw LaunchError("gregor broker exited before it was ready:\n\(text.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        LaunchedBroker(bootstrap: "", process: process, dataDirectory: dataDirectory).stop()
        try? FileManager.default.removeItem(at: log)
        throw LaunchError("gregor broker not ready within 30 s:\n\(text.suffix(2000))")
    }

    /// The port in the broker's "ready on 127.0.0.1:PORT" line, once it is there.
    static func readyPort(in log: String) -> Int? {
        guard let range = log.range(of: "ready on 127.0.0.1:") else { return nil }
        let rest = log[range.upperBound...]
        let digits = rest.prefix { $0.isNumber }
        guard rest.dropFirst(digits.count).first == "\n" else { return nil }  // the whole line is written
        return Int(digits)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
