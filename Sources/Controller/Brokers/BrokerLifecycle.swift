import KafkaProtocol

/// Broker registration, heartbeats, fencing and controlled shutdown (KIP-631), as Kafka's
/// `ClusterControlManager`, `BrokerHeartbeatManager` and `ReplicationControlManager` decide them.
///
/// A broker registers fenced. Its heartbeats unfence it once it has replayed the metadata log up to
/// its registration, and keep its session alive; the controller fences a broker whose session ran
/// out, taking it out of every ISR and electing new leaders for what it led. A broker that wants to
/// shut down heartbeats `wantShutDown`: its leaderships move away, and once every active broker has
/// replayed that, the controller tells it to stop and fences it.
extension ControllerStateMachine {
    /// The records that register a broker, fenced. `epoch` is the offset the registration will get
    /// (Kafka's broker epoch).
    ///
    /// A different incarnation of a broker whose session is still alive is refused with
    /// DUPLICATE_BROKER_REGISTRATION, since two processes with one id must not both lead partitions;
    /// the controller's own node (`isController`) is exempt, as no other process can hold its id.
    /// When the previous incarnation was never fenced (it crashed), it is first taken out of every
    /// ISR it can leave and its leaderships move away, as KIP-966 does for an unclean shutdown: the
    /// new incarnation rejoins as a follower, or leads again once unfenced where it was the last ISR
    /// member.
    public func registerBroker(
        id: Int32, incarnationId: KafkaUUID, host: String, port: Int32, rack: String?, epoch: Int64,
        sessions: BrokerSessions?, now: Int64, isController: Bool = false
    ) throws(ControllerError) -> [any KafkaMetadataRecord] {
        var records: [any KafkaMetadataRecord] = []
        if let existing = image.brokers[id], existing.incarnationId != incarnationId, !existing.fenced {
            if !isController, sessions?.isAlive(id, now: now) ?? false {
                throw ControllerError(
                    .duplicateBrokerRegistration,
                    "Another broker is registered with id \(id); it will be fenced after broker.session.timeout.ms without heartbeats.")
            }
            records = leadershipChanges(leaving: id) { $0.isr.contains(id) }
        }
        var endpoint = RegisterBrokerRecord.BrokerEndpoint()
        endpoint.name = "PLAINTEXT"
        endpoint.host = host
        endpoint.port = UInt16(clamping: port)
        endpoint.securityProtocol = 0
        var registration = RegisterBrokerRecord()
        registration.brokerId = id
        registration.incarnationId = incarnationId
        registration.brokerEpoch = epoch
        registration.endPoints = [endpoint]
        registration.rack = rack
        registration.fenced = true
        // The registration comes first, so that its offset is `epoch`.
        return [registration] + records
    }

    /// BrokerHeartbeat: keeps the broker's session alive and moves it between fenced, unfenced,
    /// controlled shutdown and shut down, with the records each move needs. The caller replays the
    /// records and, for a broker entering controlled shutdown, notes the offset they reached
    /// (`BrokerSessions.enterControlledShutdown`).
    public func brokerHeartbeat(
        _ request: BrokerHeartbeatRequest, sessions: inout BrokerSessions, now: Int64
    ) -> ControllerResult<BrokerHeartbeatResponse> {
        var response = BrokerHeartbeatResponse()
        guard let registration = image.brokers[request.brokerId], registration.epoch == request.brokerEpoch else {
            response.errorCode = ErrorCode.staleBrokerEpoch.rawValue
            return ControllerResult(response: response)
        }
        let id = request.brokerId
        let current = BrokerState(registration)
        let next = nextState(from: current, request, sessions: sessions)
        var records: [any KafkaMetadataRecord] = []
        if next != current {
            switch next {
            case .fenced, .shutDownNow: records = fencingRecords(for: registration)
            case .unfenced: records = unfencingRecords(for: registration)
            case .controlledShutdown: records = controlledShutdownRecords(for: registration)
            }
        }
        sessions.touch(id, metadataOffset: request.currentMetadataOffset, now: now)
        response.isCaughtUp = request.currentMetadataOffset >= registration.epoch
        response.isFenced = next == .fenced || next == .shutDownNow
        response.shouldShutDown = next == .shutDownNow
        return ControllerResult(records: records, response: response)
    }

    /// Fences a broker whose session ran out: out of every ISR it can leave, its partitions led by
    /// others (Kafka's `handleBrokerFenced`).
    public func fenceBroker(_ id: Int32) -> [any KafkaMetadataRecord] {
        guard let registration = image.brokers[id], !registration.fenced else { return [] }
        return fencingRecords(for: registration)
    }

    // MARK: States

    /// Where a broker stands, as Kafka's `BrokerControlState` has it.
    enum BrokerState {
        case fenced, unfenced, controlledShutdown, shutDownNow

        init(_ registration: BrokerRegistration) {
            self = registration.fenced ? .fenced : registration.inControlledShutdown ? .controlledShutdown : .unfenced
        }
    }

    /// Kafka's `calculateNextBrokerState`.
    private func nextState(from current: BrokerState, _ request: BrokerHeartbeatRequest, sessions: BrokerSessions) -> BrokerState {
        switch current {
        case .fenced:
            if request.wantShutDown { return .shutDownNow }
            // Unfenced only once it has replayed its own registration, so it knows its partitions.
            let caughtUp = request.currentMetadataOffset >= (image.brokers[request.brokerId]?.epoch ?? .max)
            return !request.wantFence && caughtUp ? .unfenced : .fenced
        case .unfenced:
            if request.wantFence { return request.wantShutDown ? .shutDownNow : .fenced }
            guard request.wantShutDown else { return .unfenced }
            return hasLeaderships(request.brokerId) ? .controlledShutdown : .shutDownNow
        case .controlledShutdown:
            if hasLeaderships(request.brokerId) { return .controlledShutdown }
            let offset = sessions.controlledShutdownOffset(request.brokerId) ?? image.offset
            return offset <= sessions.lowestActiveOffset(in: image) ? .shutDownNow : .controlledShutdown
        case .shutDownNow:
            return .shutDownNow
        }
    }

    private func fencingRecords(for registration: BrokerRegistration) -> [any KafkaMetadataRecord] {
        var records: [any KafkaMetadataRecord] = leadershipChanges(leaving: registration.id) { $0.isr.contains(registration.id) }
        if !registration.fenced { records.append(registrationChange(registration, fenced: 1)) }
        return records
    }

    /// Unfences the broker, and elects it where a partition has no leader and it may lead (Kafka's
    /// `handleBrokerUnfenced`): the last ISR member of a partition coming back.
    private func unfencingRecords(for registration: BrokerRegistration) -> [any KafkaMetadataRecord] {
        [registrationChange(registration, fenced: -1)]
            + leadershipChanges(joining: registration.id) { $0.leader == PartitionChange.noLeader }
    }

    private func controlledShutdownRecords(for registration: BrokerRegistration) -> [any KafkaMetadataRecord] {
        var change = registrationChange(registration, fenced: 0)
        change.inControlledShutdown = 1
        return [change] + leadershipChanges(leaving: registration.id) { $0.isr.contains(registration.id) }
    }

    /// Kafka's `BrokerRegistrationChangeRecord`: fenced 1 fences, -1 unfences, 0 leaves it alone.
    private func registrationChange(_ registration: BrokerRegistration, fenced: Int8) -> BrokerRegistrationChangeRecord {
        var change = BrokerRegistrationChangeRecord()
        change.brokerId = registration.id
        change.brokerEpoch = registration.epoch
        change.fenced = fenced
        return change
    }
}
