import GroupCoordinator
import KafkaProtocol
import KafkaRecords
import NIOCore

/// Drives a shard like its shell would: a fake clock, request tokens, and the answers collected.
struct ShardHarness {
    var shard: GroupCoordinatorShard
    var now: Int64 = 1_000_000
    private var nextToken: UInt64 = 0
    /// Every record the shard asked to append, in order (for the replay test).
    var records: [CoordinatorRecord] = []
    var joins: [RequestToken: JoinGroupOutcome] = [:]
    var syncs: [RequestToken: SyncGroupOutcome] = [:]

    init(config: GroupCoordinatorConfig = GroupCoordinatorConfig()) {
        shard = GroupCoordinatorShard(partition: 0, config: config, seed: 42)
    }

    mutating func token() -> RequestToken {
        nextToken += 1
        return RequestToken(nextToken)
    }

    mutating func absorb(_ effects: CoordinatorEffects) {
        records += effects.records
        for (token, outcome) in effects.joins {
            precondition(joins[token] == nil, "\(token) answered twice")
            joins[token] = outcome
        }
        for (token, outcome) in effects.syncs {
            precondition(syncs[token] == nil, "\(token) answered twice")
            syncs[token] = outcome
        }
    }

    /// Subscription bytes as a consumer writes them (int16 version, then the struct).
    static func subscription(_ topics: [String]) -> ByteBuffer {
        var writer = KafkaWriter()
        writer.writeInt16(1)
        try! ConsumerProtocolSubscription(topics: topics).encode(to: &writer, version: 1)
        return writer.buffer
    }

    /// Sends a JoinGroup and returns its token (the answer may come later).
    @discardableResult
    mutating func join(
        _ group: String = "g", member: String = "", instance: String? = nil, client: String = "client",
        session: Int32 = 10_000, rebalance: Int32 = 30_000, protocols: [String] = ["range"], topics: [String] = ["t"],
        requireKnownMemberId: Bool = true, type: String = "consumer"
    ) -> RequestToken {
        let token = token()
        let input = JoinGroupInput(
            groupId: group, memberId: member, groupInstanceId: instance, requireKnownMemberId: requireKnownMemberId,
            clientId: client, clientHost: "/127.0.0.1", rebalanceTimeoutMs: rebalance, sessionTimeoutMs: session,
            protocolType: type, protocols: protocols.map { ($0, Self.subscription(topics)) })
        absorb(shard.joinGroup(input, token: token, now: now))
        return token
    }

    /// A new dynamic member through the MEMBER_ID_REQUIRED handshake; returns its id and the held token.
    mutating func joinNew(_ group: String = "g", client: String = "client", protocols: [String] = ["range"], session: Int32 = 10_000)
        -> (memberId: String, token: RequestToken)
    {
        let first = join(group, client: client, session: session, protocols: protocols)
        let memberId = joins[first]!.memberId
        precondition(joins[first]!.error == .memberIdRequired)
        return (memberId, join(group, member: memberId, client: client, session: session, protocols: protocols))
    }

    @discardableResult
    mutating func sync(_ group: String = "g", member: String, generation: Int32, instance: String? = nil, assignments: [String: ByteBuffer] = [:])
        -> RequestToken
    {
        let token = token()
        let input = SyncGroupInput(groupId: group, generationId: generation, memberId: member, groupInstanceId: instance, assignments: assignments)
        absorb(shard.syncGroup(input, token: token, now: now))
        return token
    }

    mutating func heartbeat(_ group: String = "g", member: String, generation: Int32, instance: String? = nil) -> ErrorCode {
        shard.heartbeat(groupId: group, memberId: member, groupInstanceId: instance, generationId: generation, now: now)
    }

    mutating func leave(_ group: String = "g", members: [LeavingMember]) -> (ErrorCode, [ErrorCode]) {
        let result = shard.leaveGroup(groupId: group, members: members, now: now)
        absorb(result.effects)
        return (result.error, result.members)
    }

    mutating func commit(_ group: String = "g", member: String = "", generation: Int32 = -1, _ offsets: [(String, Int32, Int64)])
        -> [TopicPartition: ErrorCode]
    {
        let result = shard.commitOffsets(
            groupId: group, memberId: member, groupInstanceId: nil, generationId: generation,
            offsets: offsets.map { OffsetToCommit(partition: TopicPartition($0.0, $0.1), offset: $0.2) }, now: now)
        records += result.records
        return result.errors
    }

    /// Moves the clock, stopping at every deadline on the way as the shell's timer does, and fires
    /// what is due.
    mutating func advance(by milliseconds: Int64) {
        let target = now + milliseconds
        var steps = 0
        while let next = shard.nextDeadline, next <= target, steps < 10_000 {
            now = max(now, next)
            absorb(shard.advance(to: now))
            steps += 1
        }
        now = target
        absorb(shard.advance(to: now))
    }

    func state(_ group: String = "g") -> GroupState? { shard.group(group)?.state }
}
