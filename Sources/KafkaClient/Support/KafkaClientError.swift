import KafkaProtocol

/// Why a client call failed: one closed set of reasons, each printed as one clear line.
///
/// Errors that the broker reported carry Kafka's `ErrorCode` (`brokerError`), so a caller can switch on
/// Kafka's own names; errors the client found itself (a dead socket, a timeout, a bad argument) have
/// none. `isRetriable` tells whether trying again later may succeed.
public struct KafkaClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// The TCP connection could not be opened.
        case connectionFailed
        /// The connection closed (or failed) while the request was pending.
        case connectionClosed
        /// No response within the request timeout; the connection was closed, as Kafka's clients do.
        case requestTimedOut
        /// A response arrived for a different correlation id than expected: the stream is out of step.
        case correlationMismatch
        /// The broker and the client share no version of an API the call needs.
        case unsupportedVersion
        /// A response could not be decoded.
        case malformedResponse
        /// The broker answered with a Kafka error code (see `brokerError`).
        case brokerError
        /// No broker could be reached (bootstrap list exhausted) or none is known for a node id.
        case brokerNotAvailable
        /// A topic or partition the call names does not exist in the cluster's metadata.
        case unknownTopicOrPartition
        /// The partition has no leader right now.
        case leaderNotAvailable
        /// A fetch position is outside the log and `auto.offset.reset` is `none`.
        case offsetOutOfRange
        /// A record, batch or request is larger than a configured limit.
        case recordTooLarge
        /// The producer or consumer has no position or state for a partition it was asked about.
        case notAssigned
        /// A caller-supplied value is invalid (bad address, bad configuration, ...).
        case invalidArgument
        /// The client, producer or consumer was closed.
        case closed
        /// Delivery gave up: `delivery.timeout.ms` passed or retries ran out.
        case deliveryTimedOut
        /// The idempotent producer lost its sequence state and failed the batch to stay correct.
        case producerStateLost
        /// An offset commit failed because the group rebalanced without this member (Kafka's
        /// `CommitFailedException`): its partitions may already belong to another member. The next
        /// poll rejoins.
        case commitFailed
        /// The group is rebalancing: poll to finish the rebalance, then commit again (Kafka's
        /// `RebalanceInProgressException`).
        case rebalanceInProgress
    }

    public var code: Code
    /// The Kafka error code, when the broker reported the failure.
    public var brokerError: ErrorCode?
    /// Details: what was being done and what to do about it.
    public var message: String

    public init(_ code: Code, _ message: String, brokerError: ErrorCode? = nil) {
        self.code = code
        self.message = message
        self.brokerError = brokerError
    }

    /// An error reported by the broker, named after Kafka's code.
    public static func broker(_ error: ErrorCode, _ context: String, message: String? = nil) -> KafkaClientError {
        let detail = message.flatMap { $0.isEmpty ? nil : $0 } ?? error.message
        return KafkaClientError(.brokerError, "\(context): \(error.name): \(detail)", brokerError: error)
    }

    /// Whether trying again (after a metadata refresh or reconnect) may succeed.
    public var isRetriable: Bool {
        switch code {
        case .connectionFailed, .connectionClosed, .requestTimedOut, .brokerNotAvailable, .leaderNotAvailable:
            true
        case .brokerError: brokerError?.isRetriable ?? false
        default: false
        }
    }

    public var description: String { message }
}
