import Controller
import KafkaProtocol
import Testing

/// CreateTopics as the controller decides it: records for what passes, Kafka's errors for what doesn't.
@Suite struct TopicCreationTests {
    /// A controller with `brokers` registered and unfenced brokers.
    static func controller(brokers: [Int32] = [1], configs: [String: String] = [:]) -> ControllerStateMachine {
        var machine = ControllerStateMachine(clusterId: "test", nodeId: brokers[0], staticBrokerConfigs: configs, placementSeed: 7)
        var offset: Int64 = 0
        for record in machine.bootstrapRecords() {
            machine.replay(record, offset: offset)
            offset += 1
        }
        var sessions = BrokerSessions(sessionTimeoutMs: 9000, image: machine.image, now: 0)
        for id in brokers {
            let epoch = offset
            for record in try! machine.registerBroker(
                id: id, incarnationId: .random(), host: "127.0.0.1", port: 9000 + id, rack: nil, epoch: epoch, sessions: sessions, now: 0)
            {
                machine.replay(record, offset: offset)
                offset += 1
            }
            // Its first heartbeat, caught up with its registration, unfences it.
            var heartbeat = BrokerHeartbeatRequest()
            heartbeat.brokerId = id
            heartbeat.brokerEpoch = epoch
            heartbeat.currentMetadataOffset = epoch
            for record in machine.brokerHeartbeat(heartbeat, sessions: &sessions, now: 0).records {
                machine.replay(record, offset: offset)
                offset += 1
            }
        }
        return machine
    }

    static func commit(_ records: [any KafkaMetadataRecord], to machine: inout ControllerStateMachine) {
        var offset = machine.image.offset + 1
        for record in records {
            machine.replay(record, offset: offset)
            offset += 1
        }
    }

    static func request(_ name: String, partitions: Int32 = 3, factor: Int16 = 1, configs: [String: String] = [:]) -> CreateTopicsRequest {
        var topic = CreateTopicsRequest.CreatableTopic(name: name, numPartitions: partitions, replicationFactor: factor)
        topic.configs = configs.sorted { $0.key < $1.key }.map { CreateTopicsRequest.CreateableTopicConfig(name: $0.key, value: $0.value) }
        return CreateTopicsRequest(topics: [topic])
    }

    @Test func createsTopicRecordsPartitionsAndConfigs() {
        var machine = Self.controller()
        let result = machine.createTopics(Self.request("orders", partitions: 3, configs: ["retention.ms": "1000"]))
        #expect(result.response.topics.map(\.errorCode) == [0])
        #expect(result.records.filter { $0 is TopicRecord }.count == 1)
        #expect(result.records.filter { $0 is PartitionRecord }.count == 3)
        #expect(result.records.filter { $0 is ConfigRecord }.count == 1)
        Self.commit(result.records, to: &machine)
        let topic = machine.image.topic(named: "orders")
        #expect(topic?.partitions.count == 3)
        #expect(topic?.partitions[0]?.leader == 1)
        #expect(topic?.partitions[0]?.isr == [1])
        #expect(topic?.partitions[2]?.leaderEpoch == 0)
        #expect(machine.image.topicConfigs("orders")["retention.ms"] == "1000")
        #expect(result.response.topics[0].numPartitions == 3)
        #expect(result.response.topics[0].configs?.first { $0.name == "retention.ms" }?.value == "1000")
    }

    @Test func refusesWhatKafkaRefuses() {
        var machine = Self.controller()
        Self.commit(machine.createTopics(Self.request("taken")).records, to: &machine)
        func code(_ request: CreateTopicsRequest) -> ErrorCode { ErrorCode(machine.createTopics(request).response.topics[0].errorCode) }
        #expect(code(Self.request("taken")) == .topicAlreadyExists)
        #expect(code(Self.request("bad name!")) == .invalidTopicException)
        #expect(code(Self.request("..")) == .invalidTopicException)
        #expect(code(Self.request(String(repeating: "x", count: 250))) == .invalidTopicException)
        #expect(code(Self.request("zero", partitions: 0)) == .invalidPartitions)
        #expect(code(Self.request("three", factor: 3)) == .invalidReplicationFactor)
        #expect(code(Self.request("cfg", configs: ["retention.ms": "soon"])) == .invalidConfig)
        #expect(code(Self.request("cfg2", configs: ["no.such.config": "1"])) == .invalidConfig)
        #expect(code(Self.request("cfg3", configs: ["cleanup.policy": "compact"])) == .invalidConfig)
        Self.commit(machine.createTopics(Self.request("a.b")).records, to: &machine)
        #expect(code(Self.request("a_b")) == .invalidTopicException)
    }

    @Test func validateOnlyWritesNothing() {
        let machine = Self.controller()
        var request = Self.request("dry")
        request.validateOnly = true
        let result = machine.createTopics(request)
        #expect(result.records.isEmpty)
        #expect(result.response.topics[0].errorCode == 0)
        #expect(result.response.topics[0].numPartitions == 3)
    }

    @Test func defaultsComeFromBrokerConfigs() {
        var machine = Self.controller(configs: ["num.partitions": "4"])
        let result = machine.createTopics(Self.request("auto", partitions: -1, factor: -1))
        Self.commit(result.records, to: &machine)
        #expect(machine.image.topic(named: "auto")?.partitions.count == 4)
    }

    @Test func replicasSpreadOverBrokers() {
        var machine = Self.controller(brokers: [1, 2, 3])
        Self.commit(machine.createTopics(Self.request("spread", partitions: 6, factor: 3)).records, to: &machine)
        let partitions = machine.image.topic(named: "spread")?.sortedPartitions ?? []
        #expect(partitions.count == 6)
        for partition in partitions {
            #expect(Set(partition.replicas).count == 3)
            #expect(partition.leader == partition.replicas[0])
        }
        let leaders = Dictionary(grouping: partitions, by: \.leader).mapValues(\.count)
        #expect(leaders.values.allSatisfy { $0 == 2 }, "leaders \(leaders)")
    }

    @Test func manualAssignmentsAreChecked() {
        let machine = Self.controller(brokers: [1, 2])
        var topic = CreateTopicsRequest.CreatableTopic(name: "manual", numPartitions: -1, replicationFactor: -1)
        topic.assignments = [.init(partitionIndex: 0, brokerIds: [2, 1]), .init(partitionIndex: 1, brokerIds: [1, 5])]
        let result = machine.createTopics(CreateTopicsRequest(topics: [topic]))
        #expect(ErrorCode(result.response.topics[0].errorCode) == .invalidReplicaAssignment)
        topic.assignments[1].brokerIds = [1, 2]
        let good = machine.createTopics(CreateTopicsRequest(topics: [topic]))
        #expect(good.response.topics[0].errorCode == 0)
        #expect((good.records.compactMap { $0 as? PartitionRecord }.first?.replicas) == [2, 1])
    }
}
