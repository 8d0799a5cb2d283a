import Controller
import KafkaClient
import KafkaProtocol

/// The broker lifecycle on both sides of the wire. As the controller: BrokerRegistration,
/// BrokerHeartbeat, and fencing brokers whose sessions ran out. As a broker: registering itself and
/// heartbeating, to itself when it leads the quorum and to the controller otherwise.
extension MetadataService {
    // MARK: Controller side

    /// BrokerRegistration on the controller: formats a new cluster if needed, then records the broker,
    /// fenced until its heartbeats show it has caught up (its epoch is the offset of the record).
    func registerBroker(_ request: BrokerRegistrationRequest) async -> BrokerRegistrationResponse {
        var response = BrokerRegistrationResponse()
        guard request.clusterId == clusterId else {
            response.errorCode = ErrorCode.inconsistentClusterId.rawValue
            return response
        }
        guard let listener = request.listeners.first else {
            response.errorCode = ErrorCode.invalidRequest.rawValue
            return response
        }
        do {
            response.brokerEpoch = try await exclusive {
                guard await quorum.isActiveController else { throw NotControllerError(leaderId: await quorum.leaderId) }
                return try await commitRegistration(
                    id: request.brokerId, incarnation: request.incarnationId, host: listener.host, port: Int32(listener.port), rack: request.rack)
            }
        } catch {
            response.errorCode = errorCode(for: error)
        }
        return response
    }

    /// BrokerHeartbeat on the controller (KIP-631): renews the broker's session and moves it between
    /// fenced, unfenced and shutting down, committing what that move changes.
    func brokerHeartbeat(_ request: BrokerHeartbeatRequest) async -> BrokerHeartbeatResponse {
        do {
            return try await exclusive {
                guard await quorum.isActiveController else { throw NotControllerError(leaderId: await quorum.leaderId) }
                try await applyCommitted()
                var sessions = await activeSessions()
                let result = controller.brokerHeartbeat(request, sessions: &sessions, now: monotonicClock())
                self.sessions = sessions
                try await commit(result.records)
                if result.records.contains(where: { ($0 as? BrokerRegistrationChangeRecord)?.inControlledShutdown == 1 }) {
                    logger.info("broker \(request.brokerId) is shutting down; its leaderships moved away")
                    self.sessions?.enterControlledShutdown(request.brokerId, offset: controller.image.offset)
                }
                if result.records.contains(where: { ($0 as? BrokerRegistrationChangeRecord)?.fenced == -1 }) {
                    logger.info("broker \(request.brokerId) unfenced: it has caught up with the metadata log")
                }
                return result.response
            }
        } catch {
            var response = BrokerHeartbeatResponse()
            response.errorCode = errorCode(for: error)
            return response
        }
    }

    /// Fences every broker whose session ran out, one at a time, for as long as the broker runs; only
    /// the active controller acts. A check every quarter session or heartbeat interval (at most every
    /// 250 ms) bounds how late a fencing comes. With the liveness probe, a broker one and a half
    /// heartbeat intervals late whose port refuses connections is fenced at once: its process is gone.
    func fenceStaleBrokers() async {
        let interval = max(10, min(250, sessionTimeoutMs / 4, heartbeatIntervalMs / 4))
        while !Task.isCancelled, !(await quorum.isStopped) {
            try? await Task.sleep(for: .milliseconds(interval))
            guard await quorum.isActiveController else { continue }
            while (try? await fenceOneStaleBroker()) == true {}
            if livenessProbe { await fenceGoneBrokers() }
        }
    }

    /// Fences the broker silent longest if its session ran out; true when it fenced one.
    private func fenceOneStaleBroker() async throws -> Bool {
        try await exclusive {
            guard await quorum.isActiveController else { return false }
            try await applyCommitted()
            guard let stale = await activeSessions().staleBroker(in: controller.image, now: monotonicClock()) else { return false }
            try await fence(stale, reason: "no heartbeat for \(sessionTimeoutMs) ms (broker.session.timeout.ms)")
            return true
        }
    }

    /// Probes each broker that is one and a half heartbeat intervals late and fences those whose port
    /// refuses connections. A controller that has just taken over probes every broker once: the broker that
    /// led the quorum before has often just died.
    private func fenceGoneBrokers() async {
        let sessions = await activeSessions()
        let overdue: [Int32]
        if probedEpoch != sessionsEpoch {
            probedEpoch = sessionsEpoch
            overdue = controller.image.liveBrokers.map(\.id).filter { $0 != nodeId }
        } else {
            overdue = sessions.overdueBrokers(in: controller.image, silentForMs: probeAfterMs, except: nodeId, now: monotonicClock())
        }
        for id in overdue {
            let probeStarted = monotonicClock()
            guard let broker = controller.image.brokers[id],
                await LivenessProbe.isRefused(host: broker.host, port: Int(broker.port))
            else { continue }
            _ = try? await exclusive {
                // Still the controller, the same incarnation, unfenced, and no heartbeat since the probe
                // began; the image replayed up to the high watermark first, as for any operation.
                guard await quorum.isActiveController else { return }
                try await applyCommitted()
                guard controller.image.brokers[id]?.epoch == broker.epoch, !(controller.image.brokers[id]?.fenced ?? true),
                    (await activeSessions().lastContact(id) ?? .min) <= probeStarted
                else { return }
                try await fence(id, reason: "no heartbeat to this controller for a while and \(broker.host):\(broker.port) refuses connections (broker.liveness.probe.enable)")
            }
        }
    }

    private func fence(_ id: Int32, reason: String) async throws {
        let records = controller.fenceBroker(id)
        logger.warning("fencing broker \(id): \(reason)", metadata: ["partitionChanges": "\(records.filter { $0 is PartitionChangeRecord }.count)"])
        try await commit(records)
    }

    /// The sessions of the current controller term: built afresh, every registered broker alive from
    /// now, when this broker has just become the quorum's leader.
    private func activeSessions() async -> BrokerSessions {
        let epoch = await quorum.epoch
        if sessions == nil || sessionsEpoch != epoch {
            sessions = BrokerSessions(sessionTimeoutMs: sessionTimeoutMs, image: controller.image, now: monotonicClock())
            sessionsEpoch = epoch
        }
        return sessions!
    }

    /// Writes the bootstrap records when the cluster is new, then the registration.
    private func commitRegistration(id: Int32, incarnation: KafkaUUID, host: String, port: Int32, rack: String?) async throws -> Int64 {
        try await applyCommitted()
        if controller.image.features["metadata.version"] == nil { try await commit(controller.bootstrapRecords()) }
        let epoch = await quorum.logEndOffset
        let now = monotonicClock()
        let records = try controller.registerBroker(
            id: id, incarnationId: incarnation, host: host, port: port, rack: rack, epoch: epoch, sessions: await activeSessions(), now: now,
            isController: id == nodeId)
        try await commit(records)
        sessions?.restart(id, now: now)
        return epoch
    }

    // MARK: Broker side

    /// Registers this broker: directly when it leads the quorum, through the controller otherwise.
    /// Sets `registeredEpoch` once this broker's image holds the registration.
    func register(incarnation: KafkaUUID, host: String, port: Int32) async throws {
        let epoch: Int64
        if await quorum.isActiveController {
            epoch = try await exclusive { try await commitRegistration(id: nodeId, incarnation: incarnation, host: host, port: port, rack: nil) }
        } else {
            var listener = BrokerRegistrationRequest.Listener()
            listener.name = "PLAINTEXT"
            listener.host = host
            listener.port = UInt16(clamping: port)
            var request = BrokerRegistrationRequest()
            request.brokerId = nodeId
            request.clusterId = clusterId
            request.incarnationId = incarnation
            request.listeners = [listener]
            request.rack = nil
            let answer = try await forwardToController(request)
            guard answer.errorCode == 0 else {
                throw KafkaClientError(.brokerError, "the controller refused the registration: \(ErrorCode(answer.errorCode))")
            }
            epoch = answer.brokerEpoch
            await quorum.waitForCommit(beyond: epoch)
        }
        try await applyCommitted()
        registeredEpoch = epoch
    }

    /// Sends this broker's heartbeat, with how far it has replayed the metadata log.
    func heartbeat(wantShutDown: Bool = false) async throws -> BrokerHeartbeatResponse {
        guard let registeredEpoch else { throw KafkaClientError(.invalidArgument, "the broker is not registered yet") }
        var request = BrokerHeartbeatRequest()
        request.brokerId = nodeId
        request.brokerEpoch = registeredEpoch
        request.currentMetadataOffset = applied - 1
        request.wantShutDown = wantShutDown
        if await quorum.isActiveController { return await brokerHeartbeat(request) }
        return try await forwardToController(request)
    }
}
