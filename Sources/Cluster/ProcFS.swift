import Foundation

/// What Linux's `/proc` says about a process: its scheduler state and its command line. The only place
/// that reads `/proc`, with the parsing kept pure for tests.
public enum ProcFS {
    /// The state letter of `/proc/PID/stat` (`R`, `S`, `D`, `T` stopped by a signal, `Z` zombie, ...),
    /// or nil when there is no such process.
    public static func state(of pid: Int32) -> Character? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return state(statLine: text)
    }

    /// The state letter in a `/proc/PID/stat` line. The command name in parentheses may itself hold spaces
    /// and parentheses, so the state is the first field after the *last* `)`.
    public static func state(statLine: String) -> Character? {
        guard let close = statLine.lastIndex(of: ")") else { return nil }
        return statLine[statLine.index(after: close)...].first { $0 != " " }
    }

    /// The arguments of `/proc/PID/cmdline` (argv), or nil when there is no such process. A zombie has an
    /// empty command line.
    public static func commandLine(of pid: Int32) -> [String]? {
        guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return commandLine(data)
    }

    /// NUL-separated arguments.
    public static func commandLine(_ data: Data) -> [String] {
        var arguments = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if arguments.last == "" { arguments.removeLast() }
        return arguments
    }
}
