import Foundation

/// `DIR/faults.log`: every fault injected into a local cluster, one line each with its UTC time, from
/// `gregor fault` and from bench fault schedules alike, so a run can be lined up with what was done.
public enum FaultLog {
    public static let fileName = "faults.log"

    /// Appends `line` with the current time.
    public static func append(_ line: String, in directory: ClusterDirectory) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        ProcessLauncher.appendLine("\(formatter.string(from: Date())) \(line)", to: path(in: directory))
    }

    public static func path(in directory: ClusterDirectory) -> String {
        (directory.path as NSString).appendingPathComponent(fileName)
    }
}
