import Controller
import KafkaProtocol
import Testing

/// Registration, heartbeats, fencing, elections and controlled shutdown, as Kafka's controller decides them.
@Suite struct BrokerLifecycleTests {
    /// Three unfenced brokers and an RF=3 topic `t` with one partition; its replicas are [1, 2, 3] in
    /// some order, the first leading.
    private func cluster(configs: [String: String] = [:], factor: Int16 = 3) -> ControllerStateMachine {
        var machine = TopicCreationTests.controller(brokers: [1, 2, 3])
        TopicCreationTests.commit(
            machine.createTopics(TopicCreationTests.request("t", partitions: 1, factor: factor, configs: configs)).records, to: &machine)
        return machine
    }

    private func heartbeat(
        _ id: Int32, _ machine: inout ControllerStateMachine, sessions: inout BrokerSessions, now: Int64 = 0,
        offset: Int64? = nil, wantShutDown: Bool = false
    ) -> BrokerHeartbeatResponse {
        var request = BrokerHeartbeatRequest()
        request.brokerId = id
        request.brokerEpoch = machine.image.brokers[id]?.epoch ?? -1
        request.currentMetadataOffset = offset ?? machine.image.offset
        request.wantShutDown = wantShutDown
        let result = machine.brokerHeartbeat(request, sessions: &sessions, now: now)
        TopicCreationTests.commit(result.records, to: &machine)
        return result.response
    }

    private func partition(_ machine: ControllerStateMachine) -> PartitionImage { machine.image.partition("t", 0)! }

    /// Commits an ISR change of `t-0`, as an accepted AlterPartition would.
    private func setIsr(_ isr: [Int32], _ machine: inout ControllerStateMachine) {
        var change = PartitionChangeRecord()
        change.topicId = machine.image.topic(named: "t")!.id
        change.partitionId = 0
        change.isr = isr
        TopicCreationTests.commit([change], to: &machine)
    }

    @Test func aRegisteredBrokerIsFencedUntilItHasReplayedItsRegistration() throws {
        var machine = TopicCreationTests.controller(brokers: [1])
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        let epoch = machine.image.offset + 1
        let records = try machine.registerBroker(
            id: 2, incarnationId: .random(), host: "h", port: 1, rack: nil, epoch: epoch, sessions: sessions, now: 0)
        TopicCreationTests.commit(records, to: &machine)
        #expect(machine.image.brokers[2]?.fenced == true)
        let behind = heartbeat(2, &machine, sessions: &sessions, offset: epoch - 1)
        #expect(behind.isFenced && !behind.isCaughtUp)
        #expect(machine.image.brokers[2]?.fenced == true)
        let caughtUp = heartbeat(2, &machine, sessions: &sessions, offset: epoch)
        #expect(!caughtUp.isFenced && caughtUp.isCaughtUp && caughtUp.errorCode == 0)
        #expect(machine.image.brokers[2]?.fenced == false)
        #expect(machine.image.liveBrokers.map(\.id) == [1, 2])
    }

    @Test func lateBrokersAreProbedBeforeTheirSessionsRunOut() {
        var machine = cluster()
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        _ = heartbeat(2, &machine, sessions: &sessions, now: 800)
        _ = heartbeat(3, &machine, sessions: &sessions, now: 900)
        // Silent for more than 1000 ms: broker 1 (since 0), not 2 or 3; the controller itself never.
        #expect(sessions.overdueBrokers(in: machine.image, silentForMs: 1000, except: 3, now: 1500) == [1])
        #expect(sessions.overdueBrokers(in: machine.image, silentForMs: 1000, except: 3, now: 2000) == [1, 2])
        #expect(sessions.overdueBrokers(in: machine.image, silentForMs: 1000, except: 1, now: 2000) == [2, 3])
        // Once the session ran out the broker is stale, not overdue; a fenced broker is neither.
        #expect(sessions.overdueBrokers(in: machine.image, silentForMs: 1000, except: 3, now: 9500) == [2])
        TopicCreationTests.commit(machine.fenceBroker(2), to: &machine)
        #expect(sessions.overdueBrokers(in: machine.image, silentForMs: 1000, except: 3, now: 2000) == [1])
    }

    @Test func aHeartbeatFromAnOldIncarnationIsStale() {
        var machine = TopicCreationTests.controller(brokers: [1])
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        var request = BrokerHeartbeatRequest()
        request.brokerId = 1
        request.brokerEpoch = 12345
        #expect(ErrorCode(machine.brokerHeartbeat(request, sessions: &sessions, now: 0).response.errorCode) == .staleBrokerEpoch)
        request.brokerId = 9
        #expect(ErrorCode(machine.brokerHeartbeat(request, sessions: &sessions, now: 0).response.errorCode) == .staleBrokerEpoch)
    }

    @Test func aSilentLeaderIsFencedAndItsFirstInSyncFollowerLeads() {
        var machine = cluster()
        let before = partition(machine)
        let leader = before.leader
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        for id in [Int32(1), 2, 3] where id != leader { _ = heartbeat(id, &machine, sessions: &sessions, now: 8000) }
        #expect(sessions.staleBroker(in: machine.image, now: 9000) == nil)
        #expect(sessions.staleBroker(in: machine.image, now: 9001) == leader)
        TopicCreationTests.commit(machine.fenceBroker(leader), to: &machine)
        let after = partition(machine)
        #expect(machine.image.brokers[leader]?.fenced == true)
        #expect(after.leader == before.replicas[1])
        #expect(after.isr == before.isr.filter { $0 != leader })
        #expect(after.leaderEpoch == before.leaderEpoch + 1)
        #expect(sessions.staleBroker(in: machine.image, now: 9001) == nil, "a fenced broker is not fenced again")
        #expect(machine.fenceBroker(leader).isEmpty)
    }

    @Test func theLastInSyncReplicaStaysInTheIsrWithoutALeaderUntilItReturns() {
        var machine = cluster(factor: 1)
        let only = partition(machine).leader
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        TopicCreationTests.commit(machine.fenceBroker(only), to: &machine)
        #expect(partition(machine).leader == -1)
        #expect(partition(machine).isr == [only])
        let answer = heartbeat(only, &machine, sessions: &sessions, now: 10_000)
        #expect(!answer.isFenced)
        #expect(partition(machine).leader == only, "unfencing elects it where it is the ISR")
    }

    @Test func uncleanElectionTakesAnOutOfSyncReplicaOnlyWhenTheTopicAllowsIt() {
        for unclean in [false, true] {
            var machine = cluster(configs: ["unclean.leader.election.enable": "\(unclean)"])
            let replicas = partition(machine).replicas
            setIsr([replicas[0]], &machine)
            TopicCreationTests.commit(machine.fenceBroker(replicas[0]), to: &machine)
            #expect(partition(machine).leader == (unclean ? replicas[1] : -1))
            #expect(partition(machine).isr == (unclean ? [replicas[1]] : [replicas[0]]))
        }
    }

    @Test func controlledShutdownMovesLeadershipThenLetsTheBrokerStop() {
        var machine = cluster()
        let before = partition(machine)
        let leader = before.leader
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        let first = heartbeat(leader, &machine, sessions: &sessions, wantShutDown: true)
        #expect(!first.shouldShutDown && !first.isFenced)
        sessions.enterControlledShutdown(leader, offset: machine.image.offset)
        #expect(machine.image.brokers[leader]?.inControlledShutdown == true)
        #expect(partition(machine).leader == before.replicas[1])
        #expect(!partition(machine).isr.contains(leader))
        #expect(!machine.isActive(leader))
        // The others have not yet said they replayed the move: the broker waits.
        #expect(!heartbeat(leader, &machine, sessions: &sessions, wantShutDown: true).shouldShutDown)
        for id in before.replicas where id != leader { _ = heartbeat(id, &machine, sessions: &sessions) }
        let last = heartbeat(leader, &machine, sessions: &sessions, wantShutDown: true)
        #expect(last.shouldShutDown && last.isFenced)
        #expect(machine.image.brokers[leader]?.fenced == true)
    }

    @Test func aBrokerWithoutLeadershipsShutsDownAtOnce() {
        var machine = cluster(factor: 1)
        let idle = [Int32(1), 2, 3].first { $0 != partition(machine).leader }!
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        #expect(heartbeat(idle, &machine, sessions: &sessions, wantShutDown: true).shouldShutDown)
    }

    @Test func aSecondIncarnationWaitsForTheFirstSessionToEnd() throws {
        var machine = cluster()
        let sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        let epoch = machine.image.offset + 1
        #expect(throws: ControllerError.self) {
            try machine.registerBroker(id: 2, incarnationId: .random(), host: "h", port: 1, rack: nil, epoch: epoch, sessions: sessions, now: 5000)
        }
        let refusal = try? machine.registerBroker(id: 2, incarnationId: .random(), host: "h", port: 1, rack: nil, epoch: epoch, sessions: sessions, now: 5000)
        #expect(refusal == nil)
        let records = try machine.registerBroker(
            id: 2, incarnationId: .random(), host: "h", port: 1, rack: nil, epoch: epoch, sessions: sessions, now: 9001)
        TopicCreationTests.commit(records, to: &machine)
        #expect(machine.image.brokers[2]?.fenced == true)
    }

    @Test func preferredElectionMovesLeadershipBack() {
        var machine = cluster()
        let preferred = partition(machine).replicas[0]
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        let request = ElectLeadersRequest(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [0, 7])], timeoutMs: 1000)
        let notNeeded = machine.electLeaders(request, version: 2).response.replicaElectionResults[0].partitionResult
        #expect(notNeeded.map { ErrorCode($0.errorCode) } == [.electionNotNeeded, .unknownTopicOrPartition])
        TopicCreationTests.commit(machine.fenceBroker(preferred), to: &machine)
        _ = heartbeat(preferred, &machine, sessions: &sessions, now: 1)
        #expect(partition(machine).leader != preferred)
        let outOfSync = machine.electLeaders(request, version: 2).response.replicaElectionResults[0].partitionResult[0]
        #expect(ErrorCode(outOfSync.errorCode) == .preferredLeaderNotAvailable)
        setIsr(partition(machine).isr + [preferred], &machine)
        let election = machine.electLeaders(request, version: 2)
        #expect(election.response.replicaElectionResults[0].partitionResult[0].errorCode == 0)
        TopicCreationTests.commit(election.records, to: &machine)
        #expect(partition(machine).leader == preferred)
        let everything = machine.electLeaders(ElectLeadersRequest(electionType: 0, topicPartitions: nil, timeoutMs: 1000), version: 2)
        #expect(everything.response.replicaElectionResults.allSatisfy { $0.partitionResult.isEmpty }, "nothing needed, nothing listed")
    }

    @Test func uncleanElectionOnRequestLeadsALeaderlessPartition() {
        var machine = cluster()
        let replicas = partition(machine).replicas
        setIsr([replicas[0]], &machine)
        TopicCreationTests.commit(machine.fenceBroker(replicas[0]), to: &machine)
        #expect(partition(machine).leader == -1)
        let request = ElectLeadersRequest(electionType: 1, topicPartitions: [.init(topic: "t", partitions: [0])], timeoutMs: 1000)
        let election = machine.electLeaders(request, version: 1)
        #expect(election.response.replicaElectionResults[0].partitionResult[0].errorCode == 0)
        TopicCreationTests.commit(election.records, to: &machine)
        #expect(partition(machine).leader == replicas[1])
        #expect(partition(machine).isr == [replicas[1]])
        let again = machine.electLeaders(request, version: 1).response.replicaElectionResults[0].partitionResult[0]
        #expect(ErrorCode(again.errorCode) == .electionNotNeeded)
    }
}

extension BrokerLifecycleTests {
    @Test func aCrashedIncarnationLosesItsLeadershipsWhenItsSuccessorRegisters() throws {
        var machine = cluster()
        let before = partition(machine)
        let leader = before.leader
        let sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        let epoch = machine.image.offset + 1
        // The controller's own node may register again at once: no other process can have its id.
        let records = try machine.registerBroker(
            id: leader, incarnationId: .random(), host: "h", port: 1, rack: nil, epoch: epoch, sessions: sessions, now: 1,
            isController: true)
        #expect(records.first is RegisterBrokerRecord)
        TopicCreationTests.commit(records, to: &machine)
        #expect(machine.image.brokers[leader]?.epoch == epoch)
        #expect(partition(machine).leader == before.replicas[1])
        #expect(!partition(machine).isr.contains(leader))
    }
}
