import SystemPackage

/// Everything that can go wrong in the partition log, as data the broker maps to a Kafka error code
/// (noted on each case) or logs. Nothing on the disk or from a client crashes the process.
public enum LogStorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A read or ListOffsets asked for an offset outside `[logStartOffset, logEndOffset]`.
    /// Kafka: OFFSET_OUT_OF_RANGE (1).
    case offsetOutOfRange(requested: Int64, logStartOffset: Int64, logEndOffset: Int64)
    /// The producer's epoch is older than the one the partition has seen. Kafka: INVALID_PRODUCER_EPOCH (47).
    case invalidProducerEpoch(producerId: Int64, epoch: Int16, currentEpoch: Int16)
    /// The batch's sequence does not follow the producer's last one. Kafka: OUT_OF_ORDER_SEQUENCE_NUMBER (45).
    case outOfOrderSequence(producerId: Int64, epoch: Int16, firstSequence: Int32, lastSequence: Int32)
    /// A follower append whose offsets do not continue the log. Kafka: UnexpectedAppendOffsetException.
    case unexpectedAppendOffset(firstOffset: Int64, logEndOffset: Int64)
    /// The append is bigger than a whole segment. Kafka: RECORD_LIST_TOO_LARGE (18).
    case recordsTooLarge(size: Int, segmentBytes: Int)
    /// The bytes given to append are not whole, valid v2 batches. Kafka: CORRUPT_MESSAGE (2).
    case invalidRecords(String)
    /// `deleteRecords` past the high watermark. Kafka: OFFSET_OUT_OF_RANGE (1).
    case logStartOffsetBeyondHighWatermark(requested: Int64, highWatermark: Int64)
    /// A system call failed. Kafka: KAFKA_STORAGE_ERROR (56).
    case io(operation: String, path: String, errno: Int32)
    /// A file on disk is not what it should be and could not be repaired.
    case corruptFile(path: String, reason: String)
    /// Another process holds the data directory's `.lock`.
    case directoryLocked(path: String)
    /// The partition log was closed or deleted. Kafka: NOT_LEADER_OR_FOLLOWER (6) or KAFKA_STORAGE_ERROR.
    case logClosed(String)
    /// A caller passed a value that makes no sense (a negative offset, an unknown partition).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .offsetOutOfRange(let requested, let start, let end):
            "offset \(requested) is out of range: the log holds [\(start), \(end))"
        case .invalidProducerEpoch(let id, let epoch, let current):
            "producer \(id) has epoch \(epoch), older than the partition's \(current)"
        case .outOfOrderSequence(let id, let epoch, let first, let last):
            "out of order sequence \(first) for producer \(id) epoch \(epoch): last appended sequence is \(last)"
        case .unexpectedAppendOffset(let first, let end):
            "follower append starts at offset \(first), below the log end offset \(end)"
        case .recordsTooLarge(let size, let segmentBytes):
            "records of \(size) bytes exceed segment.bytes \(segmentBytes)"
        case .invalidRecords(let why): "invalid records: \(why)"
        case .logStartOffsetBeyondHighWatermark(let requested, let hw):
            "cannot move the log start offset to \(requested), beyond the high watermark \(hw)"
        case .io(let operation, let path, let errno):
            "\(operation) \(path) failed: \(Errno(rawValue: errno)) (errno \(errno))"
        case .corruptFile(let path, let reason): "corrupt file \(path): \(reason)"
        case .directoryLocked(let path): "data directory \(path) is locked by another process (\(path)/.lock)"
        case .logClosed(let name): "log \(name) is closed"
        case .invalidArgument(let why): "invalid argument: \(why)"
        }
    }
}
