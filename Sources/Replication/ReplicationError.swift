/// The Kafka errors the replica state machine answers with, under Kafka's names and codes. The
/// Broker shell maps them to `KafkaProtocol`'s error codes by raw value; this module does not import it.
public enum ReplicationError: Int16, Error, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The fetch offset is below the log start or beyond the log end, or the last fetched epoch is unknown.
    case offsetOutOfRange = 1
    /// This replica is not the leader (or the partition is not hosted here).
    case notLeaderOrFollower = 6
    /// An acks=all append was not replicated to the ISR before its timeout.
    case requestTimedOut = 7
    /// acks=all refused before appending: the ISR is smaller than `min.insync.replicas`.
    case notEnoughReplicas = 19
    /// acks=all appended, but the ISR shrank below `min.insync.replicas` while it waited.
    case notEnoughReplicasAfterAppend = 20
    /// The request names an AlterPartition the controller cannot accept.
    case invalidRequest = 42
    /// The request's leader epoch is older than ours: the sender is behind.
    case fencedLeaderEpoch = 74
    /// The request's leader epoch is newer than ours: we are behind.
    case unknownLeaderEpoch = 75
    /// AlterPartition carried an old partition epoch.
    case invalidUpdateVersion = 95
    /// AlterPartition proposed a replica that is fenced or has a stale broker epoch (KIP-903).
    case ineligibleReplica = 107

    public var description: String {
        switch self {
        case .offsetOutOfRange: "OFFSET_OUT_OF_RANGE"
        case .notLeaderOrFollower: "NOT_LEADER_OR_FOLLOWER"
        case .requestTimedOut: "REQUEST_TIMED_OUT"
        case .notEnoughReplicas: "NOT_ENOUGH_REPLICAS"
        case .notEnoughReplicasAfterAppend: "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
        case .invalidRequest: "INVALID_REQUEST"
        case .fencedLeaderEpoch: "FENCED_LEADER_EPOCH"
        case .unknownLeaderEpoch: "UNKNOWN_LEADER_EPOCH"
        case .invalidUpdateVersion: "INVALID_UPDATE_VERSION"
        case .ineligibleReplica: "INELIGIBLE_REPLICA"
        }
    }
}
