import KafkaProtocol
import KafkaRecords
import LogStorage

/// A partition's produce failure: the Kafka error code and the message the client sees (v8+).
struct ProduceError: Error, Sendable {
    var code: ErrorCode
    var message: String

    init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Kafka's code for a batch that fails validation.
    init(_ error: RecordBatchError) {
        switch error {
        case .unsupportedMagic, .invalidRecordCount, .offsetRangeMismatch, .recordCountMismatch, .invalidControlRecord:
            self.init(.invalidRecord, error.description)
        case .unsupportedCompression:
            self.init(.unsupportedCompressionType, error.description)
        default:
            self.init(.corruptMessage, error.description)
        }
    }

    /// Kafka's code for a log that refuses the append.
    init(_ error: LogStorageError) {
        switch error {
        case .invalidProducerEpoch: self.init(.invalidProducerEpoch, error.description)
        case .outOfOrderSequence: self.init(.outOfOrderSequenceNumber, error.description)
        case .recordsTooLarge: self.init(.recordListTooLarge, error.description)
        case .invalidRecords: self.init(.corruptMessage, error.description)
        case .logClosed: self.init(.notLeaderOrFollower, error.description)
        default: self.init(.kafkaStorageError, error.description)
        }
    }
}
