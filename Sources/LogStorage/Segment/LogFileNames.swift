import SystemPackage

/// Kafka's file names in a partition directory: `<base offset, 20 digits>.log|.index|.timeindex`, with
/// `.deleted` appended while a segment waits for removal.
enum LogFileNames {
    static let logSuffix = ".log"
    static let indexSuffix = ".index"
    static let timeIndexSuffix = ".timeindex"
    static let deletedSuffix = ".deleted"
    static let leaderEpochCheckpoint = "leader-epoch-checkpoint"
    static let partitionMetadata = "partition.metadata"

    /// `00000000000000000042` for 42.
    static func prefix(_ offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    static func logFile(_ directory: FilePath, _ baseOffset: Int64) -> FilePath {
        directory.appending(prefix(baseOffset) + logSuffix)
    }

    static func indexFile(_ directory: FilePath, _ baseOffset: Int64) -> FilePath {
        directory.appending(prefix(baseOffset) + indexSuffix)
    }

    static func timeIndexFile(_ directory: FilePath, _ baseOffset: Int64) -> FilePath {
        directory.appending(prefix(baseOffset) + timeIndexSuffix)
    }

    /// The base offset of a `<20 digits>.log` name, or nil for any other name.
    static func baseOffset(ofLogFile name: String) -> Int64? {
        guard name.hasSuffix(logSuffix) else { return nil }
        let digits = name.dropLast(logSuffix.count)
        guard digits.count == 20, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int64(digits)
    }
}
