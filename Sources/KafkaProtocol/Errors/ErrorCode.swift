/// Kafka's error codes as data: code, name, whether a client may retry, and a one-line message.
///
/// The set is open (`ErrorCode(rawValue:)` accepts any code, printed as `UNKNOWN_ERROR_CODE(n)`); the
/// names and retriable flags follow Kafka 3.8's `Errors` table.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible, Error {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public init(_ rawValue: Int16) { self.rawValue = rawValue }

    /// Kafka's name, e.g. `OFFSET_OUT_OF_RANGE`.
    public var name: String { ErrorCode.table[rawValue]?.name ?? "UNKNOWN_ERROR_CODE(\(rawValue))" }
    /// Whether a client may retry the request as it is (Kafka's `RetriableException`).
    public var isRetriable: Bool { ErrorCode.table[rawValue]?.retriable ?? false }
    /// Kafka's default message for the code.
    public var message: String { ErrorCode.table[rawValue]?.message ?? "Unknown error code \(rawValue)." }
    public var description: String { "\(name) (\(rawValue))" }
    public var isError: Bool { rawValue != 0 }

    struct Info: Sendable {
        var name: String
        var retriable: Bool
        var message: String
    }

    public static let unknownServerError = ErrorCode(-1)
    public static let noError = ErrorCode(0)
    public static let offsetOutOfRange = ErrorCode(1)
    public static let corruptMessage = ErrorCode(2)
    public static let unknownTopicOrPartition = ErrorCode(3)
    public static let invalidFetchSize = ErrorCode(4)
    public static let leaderNotAvailable = ErrorCode(5)
    public static let notLeaderOrFollower = ErrorCode(6)
    public static let requestTimedOut = ErrorCode(7)
    public static let brokerNotAvailable = ErrorCode(8)
    public static let replicaNotAvailable = ErrorCode(9)
    public static let messageTooLarge = ErrorCode(10)
    public static let staleControllerEpoch = ErrorCode(11)
    public static let offsetMetadataTooLarge = ErrorCode(12)
    public static let networkException = ErrorCode(13)
    public static let coordinatorLoadInProgress = ErrorCode(14)
    public static let coordinatorNotAvailable = ErrorCode(15)
    public static let notCoordinator = ErrorCode(16)
    public static let invalidTopicException = ErrorCode(17)
    public static let recordListTooLarge = ErrorCode(18)
    public static let notEnoughReplicas = ErrorCode(19)
    public static let notEnoughReplicasAfterAppend = ErrorCode(20)
    public static let invalidRequiredAcks = ErrorCode(21)
    public static let illegalGeneration = ErrorCode(22)
    public static let inconsistentGroupProtocol = ErrorCode(23)
    public static let invalidGroupId = ErrorCode(24)
    public static let unknownMemberId = ErrorCode(25)
    public static let invalidSessionTimeout = ErrorCode(26)
    public static let rebalanceInProgress = ErrorCode(27)
    public static let invalidCommitOffsetSize = ErrorCode(28)
    public static let topicAuthorizationFailed = ErrorCode(29)
    public static let groupAuthorizationFailed = ErrorCode(30)
    public static let clusterAuthorizationFailed = ErrorCode(31)
    public static let invalidTimestamp = ErrorCode(32)
    public static let unsupportedSaslMechanism = ErrorCode(33)
    public static let illegalSaslState = ErrorCode(34)
    public static let unsupportedVersion = ErrorCode(35)
    public static let topicAlreadyExists = ErrorCode(36)
    public static let invalidPartitions = ErrorCode(37)
    public static let invalidReplicationFactor = ErrorCode(38)
    public static let invalidReplicaAssignment = ErrorCode(39)
    public static let invalidConfig = ErrorCode(40)
    public static let notController = ErrorCode(41)
    public static let invalidRequest = ErrorCode(42)
    public static let unsupportedForMessageFormat = ErrorCode(43)
    public static let policyViolation = ErrorCode(44)
    public static let outOfOrderSequenceNumber = ErrorCode(45)
    public static let duplicateSequenceNumber = ErrorCode(46)
    public static let invalidProducerEpoch = ErrorCode(47)
    public static let invalidTxnState = ErrorCode(48)
    public static let invalidProducerIdMapping = ErrorCode(49)
    public static let invalidTransactionTimeout = ErrorCode(50)
    public static let concurrentTransactions = ErrorCode(51)
    public static let transactionCoordinatorFenced = ErrorCode(52)
    public static let transactionalIdAuthorizationFailed = ErrorCode(53)
    public static let securityDisabled = ErrorCode(54)
    public static let operationNotAttempted = ErrorCode(55)
    public static let kafkaStorageError = ErrorCode(56)
    public static let logDirNotFound = ErrorCode(57)
    public static let saslAuthenticationFailed = ErrorCode(58)
    public static let unknownProducerId = ErrorCode(59)
    public static let reassignmentInProgress = ErrorCode(60)
    public static let delegationTokenAuthDisabled = ErrorCode(61)
    public static let delegationTokenNotFound = ErrorCode(62)
    public static let delegationTokenOwnerMismatch = ErrorCode(63)
    public static let delegationTokenRequestNotAllowed = ErrorCode(64)
    public static let delegationTokenAuthorizationFailed = ErrorCode(65)
    public static let delegationTokenExpired = ErrorCode(66)
    public static let invalidPrincipalType = ErrorCode(67)
    public static let nonEmptyGroup = ErrorCode(68)
    public static let groupIdNotFound = ErrorCode(69)
    public static let fetchSessionIdNotFound = ErrorCode(70)
    public static let invalidFetchSessionEpoch = ErrorCode(71)
    public static let listenerNotFound = ErrorCode(72)
    public static let topicDeletionDisabled = ErrorCode(73)
    public static let fencedLeaderEpoch = ErrorCode(74)
    public static let unknownLeaderEpoch = ErrorCode(75)
    public static let unsupportedCompressionType = ErrorCode(76)
    public static let staleBrokerEpoch = ErrorCode(77)
    public static let offsetNotAvailable = ErrorCode(78)
    public static let memberIdRequired = ErrorCode(79)
    public static let preferredLeaderNotAvailable = ErrorCode(80)
    public static let groupMaxSizeReached = ErrorCode(81)
    public static let fencedInstanceId = ErrorCode(82)
    public static let eligibleLeadersNotAvailable = ErrorCode(83)
    public static let electionNotNeeded = ErrorCode(84)
    public static let noReassignmentInProgress = ErrorCode(85)
    public static let groupSubscribedToTopic = ErrorCode(86)
    public static let invalidRecord = ErrorCode(87)
    public static let unstableOffsetCommit = ErrorCode(88)
    public static let throttlingQuotaExceeded = ErrorCode(89)
    public static let producerFenced = ErrorCode(90)
    public static let resourceNotFound = ErrorCode(91)
    public static let duplicateResource = ErrorCode(92)
    public static let unacceptableCredential = ErrorCode(93)
    public static let inconsistentVoterSet = ErrorCode(94)
    public static let invalidUpdateVersion = ErrorCode(95)
    public static let featureUpdateFailed = ErrorCode(96)
    public static let principalDeserializationFailure = ErrorCode(97)
    public static let snapshotNotFound = ErrorCode(98)
    public static let positionOutOfRange = ErrorCode(99)
    public static let unknownTopicId = ErrorCode(100)
    public static let duplicateBrokerRegistration = ErrorCode(101)
    public static let brokerIdNotRegistered = ErrorCode(102)
    public static let inconsistentTopicId = ErrorCode(103)
    public static let inconsistentClusterId = ErrorCode(104)
    public static let transactionalIdNotFound = ErrorCode(105)
    public static let fetchSessionTopicIdError = ErrorCode(106)
    public static let ineligibleReplica = ErrorCode(107)
    public static let newLeaderElected = ErrorCode(108)
    public static let offsetMovedToTieredStorage = ErrorCode(109)
    public static let fencedMemberEpoch = ErrorCode(110)
    public static let unreleasedInstanceId = ErrorCode(111)
    public static let unsupportedAssignor = ErrorCode(112)
    public static let staleMemberEpoch = ErrorCode(113)
    public static let mismatchedEndpointType = ErrorCode(114)
    public static let unsupportedEndpointType = ErrorCode(115)
    public static let unknownControllerId = ErrorCode(116)
    public static let unknownSubscriptionId = ErrorCode(117)
    public static let telemetryTooLarge = ErrorCode(118)
    public static let invalidRegistration = ErrorCode(119)
    public static let transactionAbortable = ErrorCode(120)

    static let table: [Int16: Info] = [
        -1: Info(name: "UNKNOWN_SERVER_ERROR", retriable: false, message: "The server experienced an unexpected error when processing the request."),
        0: Info(name: "NONE", retriable: false, message: "No error."),
        1: Info(name: "OFFSET_OUT_OF_RANGE", retriable: false, message: "The requested offset is not within the range of offsets maintained by the server."),
        2: Info(name: "CORRUPT_MESSAGE", retriable: true, message: "The message failed its CRC check, exceeds the valid size, or is otherwise corrupt."),
        3: Info(name: "UNKNOWN_TOPIC_OR_PARTITION", retriable: true, message: "This server does not host this topic-partition."),
        4: Info(name: "INVALID_FETCH_SIZE", retriable: false, message: "The requested fetch size is invalid."),
        5: Info(name: "LEADER_NOT_AVAILABLE", retriable: true, message: "There is no leader for this topic-partition as we are in the middle of a leadership election."),
        6: Info(name: "NOT_LEADER_OR_FOLLOWER", retriable: true, message: "This server is not the leader or a follower for that topic-partition."),
        7: Info(name: "REQUEST_TIMED_OUT", retriable: true, message: "The request timed out."),
        8: Info(name: "BROKER_NOT_AVAILABLE", retriable: false, message: "The broker is not available."),
        9: Info(name: "REPLICA_NOT_AVAILABLE", retriable: true, message: "The replica is not available for the requested topic-partition."),
        10: Info(name: "MESSAGE_TOO_LARGE", retriable: false, message: "The request included a message larger than the maximum message size the server will accept."),
        11: Info(name: "STALE_CONTROLLER_EPOCH", retriable: false, message: "The controller moved to another broker."),
        12: Info(name: "OFFSET_METADATA_TOO_LARGE", retriable: false, message: "The metadata field of the offset request was too large."),
        13: Info(name: "NETWORK_EXCEPTION", retriable: true, message: "The server disconnected before a response was received."),
        14: Info(name: "COORDINATOR_LOAD_IN_PROGRESS", retriable: true, message: "The coordinator is loading and hence can't process requests."),
        15: Info(name: "COORDINATOR_NOT_AVAILABLE", retriable: true, message: "The coordinator is not available."),
        16: Info(name: "NOT_COORDINATOR", retriable: true, message: "This is not the correct coordinator."),
        17: Info(name: "INVALID_TOPIC_EXCEPTION", retriable: false, message: "The request attempted to perform an operation on an invalid topic."),
        18: Info(name: "RECORD_LIST_TOO_LARGE", retriable: false, message: "The request included a message batch larger than the configured segment size on the server."),
        19: Info(name: "NOT_ENOUGH_REPLICAS", retriable: true, message: "Messages are rejected since there are fewer in-sync replicas than required."),
        20: Info(name: "NOT_ENOUGH_REPLICAS_AFTER_APPEND", retriable: true, message: "Messages are written to the log, but to fewer in-sync replicas than required."),
        21: Info(name: "INVALID_REQUIRED_ACKS", retriable: false, message: "Produce request specified an invalid value for required acks."),
        22: Info(name: "ILLEGAL_GENERATION", retriable: false, message: "Specified group generation id is not valid."),
        23: Info(name: "INCONSISTENT_GROUP_PROTOCOL", retriable: false, message: "The group member's supported protocols are incompatible with those of existing members."),
        24: Info(name: "INVALID_GROUP_ID", retriable: false, message: "The configured groupId is invalid."),
        25: Info(name: "UNKNOWN_MEMBER_ID", retriable: false, message: "The coordinator is not aware of this member."),
        26: Info(name: "INVALID_SESSION_TIMEOUT", retriable: false, message: "The session timeout is not within the range allowed by the broker."),
        27: Info(name: "REBALANCE_IN_PROGRESS", retriable: false, message: "The group is rebalancing, so a rejoin is needed."),
        28: Info(name: "INVALID_COMMIT_OFFSET_SIZE", retriable: false, message: "The committing offset data size is not valid."),
        29: Info(name: "TOPIC_AUTHORIZATION_FAILED", retriable: false, message: "Topic authorization failed."),
        30: Info(name: "GROUP_AUTHORIZATION_FAILED", retriable: false, message: "Group authorization failed."),
        31: Info(name: "CLUSTER_AUTHORIZATION_FAILED", retriable: false, message: "Cluster authorization failed."),
        32: Info(name: "INVALID_TIMESTAMP", retriable: false, message: "The timestamp of the message is out of acceptable range."),
        33: Info(name: "UNSUPPORTED_SASL_MECHANISM", retriable: false, message: "The broker does not support the requested SASL mechanism."),
        34: Info(name: "ILLEGAL_SASL_STATE", retriable: false, message: "Request is not valid given the current SASL state."),
        35: Info(name: "UNSUPPORTED_VERSION", retriable: false, message: "The version of API is not supported."),
        36: Info(name: "TOPIC_ALREADY_EXISTS", retriable: false, message: "Topic with this name already exists."),
        37: Info(name: "INVALID_PARTITIONS", retriable: false, message: "Number of partitions is below 1."),
        38: Info(name: "INVALID_REPLICATION_FACTOR", retriable: false, message: "Replication factor is below 1 or larger than the number of available brokers."),
        39: Info(name: "INVALID_REPLICA_ASSIGNMENT", retriable: false, message: "Replica assignment is invalid."),
        40: Info(name: "INVALID_CONFIG", retriable: false, message: "Configuration is invalid."),
        41: Info(name: "NOT_CONTROLLER", retriable: true, message: "This is not the correct controller for this cluster."),
        42: Info(name: "INVALID_REQUEST", retriable: false, message: "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker."),
        43: Info(name: "UNSUPPORTED_FOR_MESSAGE_FORMAT", retriable: false, message: "The message format version on the broker does not support the request."),
        44: Info(name: "POLICY_VIOLATION", retriable: false, message: "Request parameters do not satisfy the configured policy."),
        45: Info(name: "OUT_OF_ORDER_SEQUENCE_NUMBER", retriable: false, message: "The broker received an out of order sequence number."),
        46: Info(name: "DUPLICATE_SEQUENCE_NUMBER", retriable: false, message: "The broker received a duplicate sequence number."),
        47: Info(name: "INVALID_PRODUCER_EPOCH", retriable: false, message: "Producer attempted to produce with an old epoch."),
        48: Info(name: "INVALID_TXN_STATE", retriable: false, message: "The producer attempted a transactional operation in an invalid state."),
        49: Info(name: "INVALID_PRODUCER_ID_MAPPING", retriable: false, message: "The producer attempted to use a producer id which is not currently assigned to its transactional id."),
        50: Info(name: "INVALID_TRANSACTION_TIMEOUT", retriable: false, message: "The transaction timeout is larger than the maximum value allowed by the broker."),
        51: Info(name: "CONCURRENT_TRANSACTIONS", retriable: true, message: "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing."),
        52: Info(name: "TRANSACTION_COORDINATOR_FENCED", retriable: false, message: "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer."),
        53: Info(name: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", retriable: false, message: "Transactional Id authorization failed."),
        54: Info(name: "SECURITY_DISABLED", retriable: false, message: "Security features are disabled."),
        55: Info(name: "OPERATION_NOT_ATTEMPTED", retriable: false, message: "The broker did not attempt to execute this operation."),
        56: Info(name: "KAFKA_STORAGE_ERROR", retriable: true, message: "Disk error when trying to access log file on the disk."),
        57: Info(name: "LOG_DIR_NOT_FOUND", retriable: false, message: "The user-specified log directory is not found in the broker config."),
        58: Info(name: "SASL_AUTHENTICATION_FAILED", retriable: false, message: "SASL Authentication failed."),
        59: Info(name: "UNKNOWN_PRODUCER_ID", retriable: false, message: "The broker could not locate the producer metadata associated with the producer id."),
        60: Info(name: "REASSIGNMENT_IN_PROGRESS", retriable: false, message: "A partition reassignment is in progress."),
        61: Info(name: "DELEGATION_TOKEN_AUTH_DISABLED", retriable: false, message: "Delegation Token feature is not enabled."),
        62: Info(name: "DELEGATION_TOKEN_NOT_FOUND", retriable: false, message: "Delegation Token is not found on server."),
        63: Info(name: "DELEGATION_TOKEN_OWNER_MISMATCH", retriable: false, message: "Specified Principal is not valid Owner/Renewer."),
        64: Info(name: "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED", retriable: false, message: "Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels."),
        65: Info(name: "DELEGATION_TOKEN_AUTHORIZATION_FAILED", retriable: false, message: "Delegation Token authorization failed."),
        66: Info(name: "DELEGATION_TOKEN_EXPIRED", retriable: false, message: "Delegation Token is expired."),
        67: Info(name: "INVALID_PRINCIPAL_TYPE", retriable: false, message: "Supplied principalType is not supported."),
        68: Info(name: "NON_EMPTY_GROUP", retriable: false, message: "The group is not empty."),
        69: Info(name: "GROUP_ID_NOT_FOUND", retriable: false, message: "The group id does not exist."),
        70: Info(name: "FETCH_SESSION_ID_NOT_FOUND", retriable: true, message: "The fetch session ID was not found."),
        71: Info(name: "INVALID_FETCH_SESSION_EPOCH", retriable: true, message: "The fetch session epoch is invalid."),
        72: Info(name: "LISTENER_NOT_FOUND", retriable: true, message: "There is no listener on the leader broker that matches the listener on which metadata request was processed."),
        73: Info(name: "TOPIC_DELETION_DISABLED", retriable: false, message: "Topic deletion is disabled."),
        74: Info(name: "FENCED_LEADER_EPOCH", retriable: true, message: "The leader epoch in the request is older than the epoch on the broker."),
        75: Info(name: "UNKNOWN_LEADER_EPOCH", retriable: true, message: "The leader epoch in the request is newer than the epoch on the broker."),
        76: Info(name: "UNSUPPORTED_COMPRESSION_TYPE", retriable: false, message: "The requesting client does not support the compression type of given partition."),
        77: Info(name: "STALE_BROKER_EPOCH", retriable: false, message: "Broker epoch has changed."),
        78: Info(name: "OFFSET_NOT_AVAILABLE", retriable: true, message: "The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing."),
        79: Info(name: "MEMBER_ID_REQUIRED", retriable: false, message: "The group member needs to have a valid member id before actually entering a consumer group."),
        80: Info(name: "PREFERRED_LEADER_NOT_AVAILABLE", retriable: true, message: "The preferred leader was not available."),
        81: Info(name: "GROUP_MAX_SIZE_REACHED", retriable: false, message: "The consumer group has reached its max size."),
        82: Info(name: "FENCED_INSTANCE_ID", retriable: false, message: "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id."),
        83: Info(name: "ELIGIBLE_LEADERS_NOT_AVAILABLE", retriable: true, message: "Eligible topic partition leaders are not available."),
        84: Info(name: "ELECTION_NOT_NEEDED", retriable: true, message: "Leader election not needed for topic partition."),
        85: Info(name: "NO_REASSIGNMENT_IN_PROGRESS", retriable: false, message: "No partition reassignment is in progress."),
        86: Info(name: "GROUP_SUBSCRIBED_TO_TOPIC", retriable: false, message: "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it."),
        87: Info(name: "INVALID_RECORD", retriable: false, message: "This record has failed the validation on broker and hence will be rejected."),
        88: Info(name: "UNSTABLE_OFFSET_COMMIT", retriable: true, message: "There are unstable offsets that need to be cleared."),
        89: Info(name: "THROTTLING_QUOTA_EXCEEDED", retriable: true, message: "The throttling quota has been exceeded."),
        90: Info(name: "PRODUCER_FENCED", retriable: false, message: "There is a newer producer with the same transactionalId which fences the current one."),
        91: Info(name: "RESOURCE_NOT_FOUND", retriable: false, message: "A request illegally referred to a resource that does not exist."),
        92: Info(name: "DUPLICATE_RESOURCE", retriable: false, message: "A request illegally referred to the same resource twice."),
        93: Info(name: "UNACCEPTABLE_CREDENTIAL", retriable: false, message: "Requested credential would not meet criteria for acceptability."),
        94: Info(name: "INCONSISTENT_VOTER_SET", retriable: false, message: "Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters."),
        95: Info(name: "INVALID_UPDATE_VERSION", retriable: false, message: "The given update version was invalid."),
        96: Info(name: "FEATURE_UPDATE_FAILED", retriable: false, message: "Unable to update finalized features due to an unexpected server error."),
        97: Info(name: "PRINCIPAL_DESERIALIZATION_FAILURE", retriable: false, message: "Request principal deserialization failed during forwarding."),
        98: Info(name: "SNAPSHOT_NOT_FOUND", retriable: false, message: "Requested snapshot was not found."),
        99: Info(name: "POSITION_OUT_OF_RANGE", retriable: false, message: "Requested position is not greater than or equal to zero, and less than the size of the snapshot."),
        100: Info(name: "UNKNOWN_TOPIC_ID", retriable: true, message: "This server does not host this topic ID."),
        101: Info(name: "DUPLICATE_BROKER_REGISTRATION", retriable: false, message: "This broker ID is already in use."),
        102: Info(name: "BROKER_ID_NOT_REGISTERED", retriable: false, message: "The given broker ID was not registered."),
        103: Info(name: "INCONSISTENT_TOPIC_ID", retriable: true, message: "The log's topic ID did not match the topic ID in the request."),
        104: Info(name: "INCONSISTENT_CLUSTER_ID", retriable: false, message: "The clusterId in the request does not match that found on the server."),
        105: Info(name: "TRANSACTIONAL_ID_NOT_FOUND", retriable: false, message: "The transactionalId could not be found."),
        106: Info(name: "FETCH_SESSION_TOPIC_ID_ERROR", retriable: true, message: "The fetch session encountered inconsistent topic ID usage."),
        107: Info(name: "INELIGIBLE_REPLICA", retriable: false, message: "The new ISR contains at least one ineligible replica."),
        108: Info(name: "NEW_LEADER_ELECTED", retriable: false, message: "The AlterPartition request successfully updated the partition state but the leader has changed."),
        109: Info(name: "OFFSET_MOVED_TO_TIERED_STORAGE", retriable: false, message: "The requested offset is moved to tiered storage."),
        110: Info(name: "FENCED_MEMBER_EPOCH", retriable: false, message: "The member epoch is fenced by the group coordinator."),
        111: Info(name: "UNRELEASED_INSTANCE_ID", retriable: false, message: "The instance ID is still used by another member in the consumer group."),
        112: Info(name: "UNSUPPORTED_ASSIGNOR", retriable: false, message: "The assignor or its version range is not supported by the consumer group."),
        113: Info(name: "STALE_MEMBER_EPOCH", retriable: false, message: "The member epoch is stale."),
        114: Info(name: "MISMATCHED_ENDPOINT_TYPE", retriable: false, message: "The request was sent to an endpoint of the wrong type."),
        115: Info(name: "UNSUPPORTED_ENDPOINT_TYPE", retriable: false, message: "This endpoint type is not supported yet."),
        116: Info(name: "UNKNOWN_CONTROLLER_ID", retriable: false, message: "This controller ID is not known."),
        117: Info(name: "UNKNOWN_SUBSCRIPTION_ID", retriable: false, message: "Client sent a push telemetry request with an invalid or outdated subscription ID."),
        118: Info(name: "TELEMETRY_TOO_LARGE", retriable: false, message: "Client sent a push telemetry request larger than the maximum size the broker will accept."),
        119: Info(name: "INVALID_REGISTRATION", retriable: false, message: "The controller has considered the broker registration to be invalid."),
        120: Info(name: "TRANSACTION_ABORTABLE", retriable: false, message: "The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID."),
    ]
}
