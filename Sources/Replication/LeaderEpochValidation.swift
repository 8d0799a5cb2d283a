/// The leader-epoch check every fetch passes first (KIP-320, Kafka's `localLogWithEpochOrThrow`):
/// a request from an older epoch is fenced, one from a newer epoch finds this replica behind, and a
/// request in the current epoch reaching a non-leader is told NOT_LEADER_OR_FOLLOWER.
public enum LeaderEpochValidation {
    public static func check(requestEpoch: Int32?, localEpoch: Int32, isLeader: Bool) -> ReplicationError? {
        if let requestEpoch {
            if requestEpoch < localEpoch { return .fencedLeaderEpoch }
            if requestEpoch > localEpoch { return .unknownLeaderEpoch }
        }
        return isLeader ? nil : .notLeaderOrFollower
    }
}
