import Foundation

#if canImport(Glibc)
import Glibc
/// POSIX_SPAWN_SETSID (glibc 2.26+); Swift's Glibc import hides it behind _GNU_SOURCE.
private let spawnSetSessionFlag: Int32 = 0x80
#elseif canImport(Darwin)
import Darwin
private let spawnSetSessionFlag = Int32(POSIX_SPAWN_SETSID)
#endif

/// Starts a process in the background with posix_spawn: in a session of its own (so Ctrl-C in the
/// launching terminal does not reach it and the launcher may exit), stdin from /dev/null, stdout and
/// stderr appended to a log file, default signal handling and an empty signal mask.
public enum ProcessLauncher {
    /// Spawns `arguments` (`arguments[0]` is the executable's path); returns the pid.
    public static func launch(_ arguments: [String], appendingOutputTo logFile: String) throws(ClusterError) -> Int32 {
        guard let executable = arguments.first else { throw ClusterError("nothing to launch") }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ClusterError("\(executable) is not an executable file (was gregor rebuilt or moved?)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // A launcher that ignores SIGINT/SIGTERM (see InterruptFlag) would pass that on through exec.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let flags = spawnSetSessionFlag | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = argv.withUnsafeBufferPointer { argvBuffer in
            posix_spawn(&pid, executable, &actions, &attributes, argvBuffer.baseAddress!, environ)
        }
        guard result == 0 else {
            throw ClusterError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Appends `line` to the log file (creating it), e.g. the command line before each start.
    public static func appendLine(_ line: String, to logFile: String) {
        let descriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The path of the running executable (`/proc/self/exe`), so that brokers run the same gregor.
    public static var currentExecutable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return ClusterPlan.absolute(CommandLine.arguments[0])
    }

    /// The end of a log file, for error messages: its last non-empty line, or nil.
    public static func lastLine(of logFile: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map(String.init)
    }
}
