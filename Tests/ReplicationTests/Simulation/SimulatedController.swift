import Replication

/// The controller stand-in of the replication simulation: it owns the partition's registration
/// (leader, epochs, ISR), tracks broker sessions with broker epochs, applies AlterPartition with
/// KRaft's checks, fences brokers whose session lapsed (removing them from the ISR, as Kafka's
/// controller does) and elects leaders from the ISR only (unclean election off).
///
/// With `eligibleLeaderReplicas` it also follows KIP-966: replicas removed from the ISR while it is
/// under `min.insync.replicas` stay eligible to lead (ELR, the HW cannot have moved past them), and a
/// broker that restarts after losing data leaves the ISR and ELR even as the last member. Without it
/// (Kafka 3.8's default) such a broker, if it was the last ISR member, is elected again.
struct SimulatedController {
    struct Options {
        var minInsyncReplicas = 2
        var sessionTimeoutMs: Int64 = 150
        /// KIP-966's eligible leader replicas and unclean-shutdown handling.
        var eligibleLeaderReplicas = true
        /// `unclean.leader.election.enable`: elect a live replica outside the ISR (and ELR) when none
        /// is live. Off in the simulation; on only to show that the checks catch the loss.
        var uncleanLeaderElection = false
    }

    private(set) var registration: PartitionRegistration
    /// KIP-966's eligible leader replicas.
    private(set) var eligibleLeaders: Set<Int32> = []
    /// Registered, unfenced brokers and their broker epochs.
    private(set) var liveBrokers: [Int32: Int64] = [:]
    private var lastHeartbeat: [Int32: Int64] = [:]
    let options: Options

    init(replicas: [Int32], options: Options) {
        registration = PartitionRegistration(leader: nil, leaderEpoch: 0, partitionEpoch: 0, replicas: replicas, isr: Set(replicas))
        self.options = options
    }

    /// A broker's heartbeat. A new broker epoch means it restarted: the old incarnation is fenced
    /// first (out of the ISR), and, if it lost data, it leaves the ISR and ELR (KIP-966); then the new
    /// one registers. A partition without a leader then gets one if it can.
    mutating func heartbeat(from broker: Int32, brokerEpoch: Int64, lostData: Bool, now: Int64) {
        if let known = liveBrokers[broker], known != brokerEpoch { fence(broker) }
        lastHeartbeat[broker] = now
        guard liveBrokers[broker] == nil else { return }
        if lostData, options.eligibleLeaderReplicas, registration.isr.contains(broker) || eligibleLeaders.contains(broker) {
            setIsr(registration.isr.subtracting([broker]))
            eligibleLeaders.remove(broker)
            registration.partitionEpoch += 1
        }
        liveBrokers[broker] = brokerEpoch
        if registration.leader == nil { electLeader() }
    }

    /// Fences brokers whose last heartbeat is older than the session timeout.
    mutating func expireSessions(now: Int64) {
        for broker in registration.replicas where liveBrokers[broker] != nil {
            if now - (lastHeartbeat[broker] ?? 0) > options.sessionTimeoutMs { fence(broker) }
        }
    }

    /// Kafka's `handleBrokerFenced`: out of the ISR unless it is the last member (with ELR the last
    /// member leaves too, into the ELR, KIP-966); a new leader if it led.
    mutating func fence(_ broker: Int32) {
        liveBrokers[broker] = nil
        var changed = false
        if registration.isr.contains(broker), registration.isr.count > 1 || options.eligibleLeaderReplicas {
            setIsr(registration.isr.subtracting([broker]))
            changed = true
        }
        if registration.leader == broker {
            electLeader()
        } else if changed {
            registration.partitionEpoch += 1
        }
    }

    /// A new ISR; with ELR, members removed while the ISR is under the minimum stay eligible, and the
    /// ELR empties once the ISR is back at the minimum.
    private mutating func setIsr(_ isr: Set<Int32>) {
        if options.eligibleLeaderReplicas {
            if isr.count < options.minInsyncReplicas {
                eligibleLeaders.formUnion(registration.isr.subtracting(isr))
                eligibleLeaders.subtract(isr)
            } else {
                eligibleLeaders = []
            }
        }
        registration.isr = isr
    }

    /// Clean election: the first live ISR member in replica order, else (KIP-966) the first live
    /// eligible leader replica, else none.
    private mutating func electLeader() {
        var candidate = registration.replicas.first { registration.isr.contains($0) && liveBrokers[$0] != nil }
        if candidate == nil, let eligible = registration.replicas.first(where: { eligibleLeaders.contains($0) && liveBrokers[$0] != nil }) {
            candidate = eligible
            eligibleLeaders.remove(eligible)
            registration.isr = [eligible]
        }
        if candidate == nil, options.uncleanLeaderElection, let unclean = registration.replicas.first(where: { liveBrokers[$0] != nil }) {
            candidate = unclean
            eligibleLeaders = []
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
            setIsr(newIsr)
            registration.partitionEpoch += 1
        }
        return .accepted(registration)
    }
}
