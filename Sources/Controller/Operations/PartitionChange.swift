import KafkaProtocol

/// One partition's next leader and ISR when a broker leaves or joins the brokers that may lead
/// (Kafka's `PartitionChangeBuilder`, without eligible leader replicas): the record that moves the
/// partition there, or nil when nothing changes.
///
/// - A replica may lead when `mayLead` says so (registered, unfenced, not shutting down) and it is in
///   the new ISR. The current leader keeps leading while it may; otherwise the first such replica in
///   assignment order leads (the preferred replica first).
/// - An ISR never becomes empty: when its last member leaves, it stays as the ISR and the partition
///   is left without a leader (-1) until that member returns, so no acknowledged write is lost.
/// - With unclean election (`unclean.leader.election.enable`), a partition with no ISR member that
///   may lead takes the first replica that may, with an ISR of just that replica. Writes the old
///   ISR acknowledged can be lost; Kafka logs it, and so does the controller's caller.
struct PartitionChange {
    enum Election {
        /// Keep the current leader if it may lead, else the first replica of the ISR that may.
        case online
        /// The first replica (the preferred one) if it may lead, else as `.online`.
        case preferred
        /// As `.online`, falling back to any replica that may lead (KIP-106's unclean election).
        case unclean
    }

    static let noLeader: Int32 = -1

    let topicId: KafkaUUID
    let partitionId: Int32
    let partition: PartitionImage
    let mayLead: (Int32) -> Bool
    var election: Election = .online
    /// The ISR to move to; the current one unless a broker is leaving it.
    var targetIsr: [Int32]

    init(topicId: KafkaUUID, partitionId: Int32, partition: PartitionImage, mayLead: @escaping (Int32) -> Bool) {
        self.topicId = topicId
        self.partitionId = partitionId
        self.partition = partition
        self.mayLead = mayLead
        self.targetIsr = partition.isr
    }

    /// The leader this election picks, and whether it was picked from outside the ISR.
    func electLeader() -> (leader: Int32, unclean: Bool) {
        func valid(_ replica: Int32) -> Bool { targetIsr.contains(replica) && mayLead(replica) }
        if election == .preferred, let preferred = partition.replicas.first, valid(preferred) { return (preferred, false) }
        if valid(partition.leader) { return (partition.leader, false) }
        if let leader = partition.replicas.first(where: valid) { return (leader, false) }
        if election == .unclean, let leader = partition.replicas.first(where: mayLead) { return (leader, true) }
        return (Self.noLeader, false)
    }

    /// The PartitionChangeRecord that carries out the election and the ISR change, or nil if neither
    /// changes anything.
    func build() -> PartitionChangeRecord? {
        var record = PartitionChangeRecord()
        record.topicId = topicId
        record.partitionId = partitionId
        let (leader, unclean) = electLeader()
        if leader != partition.leader {
            record.leader = leader
            // An unclean leader starts a new history: it alone is in sync with itself.
            if unclean { record.isr = [leader] }
        }
        if record.isr == nil, !targetIsr.isEmpty, targetIsr != partition.isr { record.isr = targetIsr }
        return record.leader == -2 && record.isr == nil ? nil : record
    }
}

extension ControllerStateMachine {
    /// Whether `broker` may lead partitions: registered, unfenced and not in controlled shutdown
    /// (Kafka's `ClusterControlManager.isActive`).
    public func isActive(_ broker: Int32) -> Bool {
        guard let registration = image.brokers[broker] else { return false }
        return !registration.fenced && !registration.inControlledShutdown
    }

    /// The partition changes for every partition `filter` selects when `leaving` may no longer lead or
    /// be in sync, or `joining` may now lead even though the image still shows it fenced (Kafka's
    /// `generateLeaderAndIsrUpdates`). Each topic's `unclean.leader.election.enable` decides whether a
    /// partition with no eligible ISR member elects outside it.
    func leadershipChanges(
        leaving: Int32? = nil, joining: Int32? = nil, where filter: (PartitionImage) -> Bool
    ) -> [PartitionChangeRecord] {
        let mayLead: (Int32) -> Bool = { [self] replica in replica != leaving && (replica == joining || isActive(replica)) }
        var records: [PartitionChangeRecord] = []
        for topic in image.topicsByName.values.sorted(by: { $0.name < $1.name }) {
            let unclean = configs.topicValues(topic.name)["unclean.leader.election.enable"] == "true"
            for partition in topic.sortedPartitions where filter(partition) {
                var change = PartitionChange(topicId: topic.id, partitionId: partition.index, partition: partition, mayLead: mayLead)
                if unclean { change.election = .unclean }
                if let leaving { change.targetIsr = partition.isr.filter { $0 != leaving } }
                if let record = change.build() { records.append(record) }
            }
        }
        return records
    }

    /// Whether `broker` leads any partition.
    func hasLeaderships(_ broker: Int32) -> Bool {
        image.topicsByName.values.contains { topic in topic.partitions.values.contains { $0.leader == broker } }
    }
}
