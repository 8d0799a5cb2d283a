import Replication

/// The controller stand-in of the replication simulation: it owns the partition's registration
/// (leader, epochs, ISR), tracks broker sessions with broker epochs, applies AlterPartition with
/// KRaft's checks, fences brokers whose session lapsed (removing them from the ISR, as Kafka's
/// controller does) and elects leaders from the ISR only (unclean election off).
struct SimulatedController {
    private(set) var registration: PartitionRegistration
    /// Registered, unfenced brokers and their broker epochs.
    private(set) var liveBrokers: [Int32: Int64] = [:]
    private var lastHeartbeat: [Int32: Int64] = [:]
    let sessionTimeoutMs: Int64
    /// `unclean.leader.election.enable`: elect a live replica outside the ISR when no ISR member is
    /// live. Off in the simulation; on only to show that the checks catch the loss it causes.
    let uncleanLeaderElection: Bool

    init(replicas: [Int32], sessionTimeoutMs: Int64, uncleanLeaderElection: Bool = false) {
        self.uncleanLeaderElection = uncleanLeaderElection
        registration = PartitionRegistration(leader: nil, leaderEpoch: 0, partitionEpoch: 0, replicas: replicas, isr: Set(replicas))
        self.sessionTimeoutMs = sessionTimeoutMs
    }

    /// A broker's heartbeat. A new broker epoch means it restarted: the old incarnation is fenced
    /// first (out of the ISR), then the new one registers. A fenced broker that heartbeats again is
    /// unfenced; a partition without a leader then gets one if it is in the ISR.
    mutating func heartbeat(from broker: Int32, brokerEpoch: Int64, now: Int64) {
        if let known = liveBrokers[broker], known != brokerEpoch { fence(broker) }
        lastHeartbeat[broker] = now
        if liveBrokers[broker] == nil {
            liveBrokers[broker] = brokerEpoch
            if registration.leader == nil { electLeader() }
        }
    }

    /// Fences brokers whose last heartbeat is older than the session timeout.
    mutating func expireSessions(now: Int64) {
        for broker in registration.replicas where liveBrokers[broker] != nil {
            if now - (lastHeartbeat[broker] ?? 0) > sessionTimeoutMs { fence(broker) }
        }
    }

    /// Kafka's `handleBrokerFenced`: out of the ISR unless it is the last member; a new leader if it led.
    mutating func fence(_ broker: Int32) {
        liveBrokers[broker] = nil
        var changed = false
        if registration.isr.contains(broker), registration.isr.count > 1 {
            registration.isr.remove(broker)
            changed = true
        }
        if registration.leader == broker {
            electLeader()
        } else if changed {
            registration.partitionEpoch += 1
        }
    }

    /// Clean election: the first live ISR member in replica order, or none.
    private mutating func electLeader() {
        var candidate = registration.replicas.first { registration.isr.contains($0) && liveBrokers[$0] != nil }
        if candidate == nil, uncleanLeaderElection, let unclean = registration.replicas.first(where: { liveBrokers[$0] != nil }) {
            candidate = unclean
            registration.isr = [unclean]
        }
        guard candidate != registration.leader else { return }
        registration.leader = candidate
        registration.leaderEpoch += 1
        registration.partitionEpoch += 1
    }

    /// KRaft's `alterPartition` checks (`validateAlterPartitionData`), then the new ISR.
    mutating func alterPartition(_ request: AlterPartitionRequest) -> AlterPartitionResponse {
        if request.leaderEpoch > registration.leaderEpoch || request.partitionEpoch > registration.partitionEpoch {
            return .rejected(.invalidRequest)  // Kafka: NOT_CONTROLLER
        }
        if request.leaderEpoch < registration.leaderEpoch { return .rejected(.fencedLeaderEpoch) }
        if request.leader != registration.leader { return .rejected(.invalidRequest) }
        if request.partitionEpoch < registration.partitionEpoch { return .rejected(.invalidUpdateVersion) }
        let newIsr = request.isrReplicas
        guard newIsr.contains(request.leader), newIsr.isSubset(of: Set(registration.replicas)) else { return .rejected(.invalidRequest) }
        for member in request.newIsr {
            guard let live = liveBrokers[member.replica], member.brokerEpoch == -1 || member.brokerEpoch == live else {
                return .rejected(.ineligibleReplica)
            }
        }
        if newIsr != registration.isr {
            registration.isr = newIsr
            registration.partitionEpoch += 1
        }
        return .accepted(registration)
    }
}
