import Foundation
import NIOCore
import NIOPosix

/// A real `gregor broker` process for the live scenarios: started from the binary built beside the
/// test bundle, on a free loopback port with a temporary data directory, stopped (SIGTERM, then
/// SIGKILL) afterwards. Absent binary → no launched target.
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
        let port = try await freePort()
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("gregor-client-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "broker", "--node-id", "1", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDirectory.path,
            "--log-level", "warning", "--exit-with-parent",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let broker = LaunchedBroker(bootstrap: "127.0.0.1:\(port)", process: process, dataDirectory: dataDirectory)
        // Wait (bounded) until it accepts connections.
        for _ in 0..<200 {
            if await accepts(port: port) { return broker }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        broker.stop()
        throw LaunchError("gregor broker did not start listening on 127.0.0.1:\(port)")
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

    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    private static func accepts(port: Int) async -> Bool {
        guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(200)).connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
