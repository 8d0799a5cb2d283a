/// Kafka's checkpoint text format, shared by the offset checkpoints and `leader-epoch-checkpoint`:
/// a version line (`0`), a count line, then one entry per line with fields separated by spaces.
enum CheckpointText {
    static let version = 0

    static func encode(_ lines: [String]) -> String {
        var text = "\(version)\n\(lines.count)\n"
        for line in lines { text += line + "\n" }
        return text
    }

    /// The entry lines, each split on spaces into exactly `fields` fields; throws a description of the
    /// first thing wrong.
    static func decode(_ text: String, fields: Int) throws(CheckpointFormatError) -> [[Substring]] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 2 else { throw CheckpointFormatError("expected a version and a count line") }
        guard Int(lines[0]) == version else { throw CheckpointFormatError("unsupported version '\(lines[0])'") }
        guard let count = Int(lines[1]), count >= 0 else { throw CheckpointFormatError("bad count '\(lines[1])'") }
        guard lines.count - 2 == count else {
            throw CheckpointFormatError("expected \(count) entries, found \(lines.count - 2)")
        }
        var entries: [[Substring]] = []
        for line in lines.dropFirst(2) {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == fields else { throw CheckpointFormatError("malformed line '\(line)'") }
            entries.append(parts)
        }
        return entries
    }
}

/// Why a checkpoint file could not be read.
public struct CheckpointFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
