import KafkaProtocol
import KafkaRecords
import NIOCore
import NIOPosix
import Synchronization

/// A minimal classic group coordinator for client tests: the member-id handshake, rebalances that wait
/// for every member to rejoin (or drop it at the rebalance deadline), protocol selection by vote, the
/// leader's assignment handed out on SyncGroup, heartbeats that ask for rejoins, session-timeout
/// eviction, LeaveGroup, static members (replacing and fencing), offsets, and the admin group APIs.
/// One coordinator node for every group (`coordinatorNode`); other brokers answer NOT_COORDINATOR.
final class FakeGroups: Sendable {
    enum Phase: String {
        case empty = "Empty", preparingRebalance = "PreparingRebalance", completingRebalance = "CompletingRebalance"
        case stable = "Stable", dead = "Dead"
    }

    struct Pending {
        var promise: EventLoopPromise<FakeReply>
        var frame: KafkaRequestFrame
    }

    struct Member {
        var memberId: String
        var instanceId: String?
        var clientId: String
        var sessionTimeout: TimeAmount
        var rebalanceTimeout: TimeAmount
        var protocols: [(name: String, metadata: ByteBuffer)]
        var assignment = ByteBuffer()
        var join: Pending?
        var sync: Pending?
        var lastSeen = NIODeadline.now()
        var joinOrder: Int

        func metadata(for name: String?) -> ByteBuffer { protocols.first { $0.name == name }?.metadata ?? ByteBuffer() }
    }

    struct Group {
        var phase = Phase.empty
        var generation: Int32 = 0
        var protocolType: String?
        var protocolName: String?
        var leader: String?
        var members: [String: Member] = [:]
        var pendingMemberIds: Set<String> = []
        var rebalanceDeadline: NIODeadline?
        var offsets: [TopicPartition: (offset: Int64, metadata: String?)] = [:]
        var instances: [String: String] = [:]
        /// The first rebalance of an empty group waits the initial delay even when all joined.
        var initialJoin = false

        /// Whether a request from `memberId` claiming `instanceId` comes from a replaced static member.
        func isFenced(memberId: String, instanceId: String?) -> Bool {
            guard let instanceId, let current = instances[instanceId] else { return false }
            return current != memberId
        }
    }

    struct Timing {
        /// Kafka's `group.initial.rebalance.delay.ms` (3 s there), short for tests.
        var initialRebalanceDelay = TimeAmount.milliseconds(30)
        /// Upper bound on how long a rebalance waits for members to rejoin (Kafka: their rebalance timeout).
        var maxRebalanceWait = TimeAmount.seconds(3)
    }

    struct State {
        var groups: [String: Group] = [:]
        var coordinatorNode: Int32 = 0
        var nextMember = 0
        var timing = Timing()
        var commits: [(group: String, generation: Int32, memberId: String, offsets: [TopicPartition: Int64])] = []
    }

    let state = Mutex(State())
    let loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    private let sweeper = Mutex<RepeatedTask?>(nil)

    /// Starts the periodic sweep (session timeouts, rebalance deadlines).
    func start() {
        let task = loop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { [weak self] _ in
            self?.sweep()
        }
        sweeper.withLock { $0 = task }
    }

    /// Stops the sweep and answers every held JoinGroup/SyncGroup by closing its connection.
    func stop() {
        sweeper.withLock { $0?.cancel() }
        let pending = state.withLock { state -> [Pending] in
            var pending: [Pending] = []
            for (name, group) in state.groups {
                for (id, member) in group.members {
                    pending += [member.join, member.sync].compactMap { $0 }
                    state.groups[name]?.members[id]?.join = nil
                    state.groups[name]?.members[id]?.sync = nil
                }
            }
            return pending
        }
        for entry in pending { entry.promise.succeed(.close) }
    }

    func handle(_ frame: KafkaRequestFrame, broker: Int32) throws -> FakeReply? {
        let coordinator = state.withLock { $0.coordinatorNode }
        switch frame.apiKey {
        case .findCoordinator: return try findCoordinator(frame, node: coordinator)
        case .listGroups: return try listGroups(frame, broker: broker, coordinator: coordinator)
        case .joinGroup, .syncGroup, .heartbeat, .leaveGroup, .offsetCommit, .offsetFetch, .describeGroups, .deleteGroups, .offsetDelete:
            if broker != coordinator { return try notCoordinator(frame) }
        default: return nil
        }
        switch frame.apiKey {
        case .joinGroup: return try joinGroup(frame)
        case .syncGroup: return try syncGroup(frame)
        case .heartbeat: return try heartbeat(frame)
        case .leaveGroup: return try leaveGroup(frame)
        case .offsetCommit: return try offsetCommit(frame)
        case .offsetFetch: return try offsetFetch(frame)
        case .describeGroups: return try describeGroups(frame)
        case .deleteGroups: return try deleteGroups(frame)
        case .offsetDelete: return try offsetDelete(frame)
        default: return nil
        }
    }

    private func findCoordinator(_ frame: KafkaRequestFrame, node: Int32) throws -> FakeReply {
        let request = try frame.decode(FindCoordinatorRequest.self)
        var response = FindCoordinatorResponse()
        let port = ports.withLock { $0[node] } ?? 0
        if frame.apiVersion >= 4 {
            response.coordinators = request.coordinatorKeys.map { .init(key: $0, nodeId: node, host: "127.0.0.1", port: Int32(port), errorCode: 0, errorMessage: nil) }
        } else {
            response.nodeId = node
            response.host = "127.0.0.1"
            response.port = Int32(port)
            response.errorMessage = nil
        }
        return .response(response, to: frame)
    }

    /// Broker ports, set by the fake cluster (FindCoordinator answers with host and port).
    let ports = Mutex<[Int32: Int]>([:])

    /// Moves every group to another coordinator (as after a broker failure); the old one answers
    /// NOT_COORDINATOR from now on. Pending joins and syncs fail with NOT_COORDINATOR too.
    func moveCoordinator(to node: Int32) {
        let pending = state.withLock { state -> [Pending] in
            state.coordinatorNode = node
            var pending: [Pending] = []
            for (name, group) in state.groups {
                for (id, member) in group.members {
                    pending += [member.join, member.sync].compactMap { $0 }
                    state.groups[name]?.members[id]?.join = nil
                    state.groups[name]?.members[id]?.sync = nil
                }
            }
            return pending
        }
        for entry in pending { entry.promise.succeed((try? notCoordinator(entry.frame)) ?? .close) }
    }

    private func notCoordinator(_ frame: KafkaRequestFrame) throws -> FakeReply {
        try errorReply(frame, .notCoordinator)
    }

    func nextMemberId(_ clientId: String, in state: inout State) -> String {
        defer { state.nextMember += 1 }
        return "\(clientId)-\(state.nextMember)"
    }
}
