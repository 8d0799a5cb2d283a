import KafkaRecords
import Testing

@testable import KafkaClient

/// Kafka's RangeAssignorTest and RoundRobinAssignorTest cases (without racks).
@Suite("Assignors: range and roundrobin")
struct RangeRoundRobinAssignorTests {
    func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic, partition) }

    func subscription(_ topics: [String], instance: String? = nil) -> ConsumerSubscription {
        ConsumerSubscription(topics: topics, groupInstanceId: instance)
    }

    @Test func rangeOneConsumerNoTopicOrNonexistentTopic() {
        let range = RangeAssignor()
        #expect(range.assign(partitionsPerTopic: [:], subscriptions: ["c1": subscription([])]) == ["c1": []])
        #expect(range.assign(partitionsPerTopic: [:], subscriptions: ["c1": subscription(["t1"])]) == ["c1": []])
    }

    @Test func rangeOnlyAssignsSubscribedTopics() {
        let result = RangeAssignor().assign(partitionsPerTopic: ["t1": 3, "other": 3], subscriptions: ["c1": subscription(["t1"])])
        #expect(result["c1"] == [tp("t1", 0), tp("t1", 1), tp("t1", 2)])
    }

    @Test func rangeTwoConsumersOneTopic() {
        let one = RangeAssignor().assign(partitionsPerTopic: ["t1": 1], subscriptions: ["c1": subscription(["t1"]), "c2": subscription(["t1"])])
        #expect(one == ["c1": [tp("t1", 0)], "c2": []])
        let two = RangeAssignor().assign(partitionsPerTopic: ["t1": 2], subscriptions: ["c1": subscription(["t1"]), "c2": subscription(["t1"])])
        #expect(two == ["c1": [tp("t1", 0)], "c2": [tp("t1", 1)]])
    }

    @Test func rangeMultipleConsumersMixedTopics() {
        let result = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 3, "t2": 2],
            subscriptions: ["c1": subscription(["t1"]), "c2": subscription(["t1", "t2"]), "c3": subscription(["t1"])])
        #expect(result["c1"] == [tp("t1", 0)])
        #expect(result["c2"] == [tp("t1", 1), tp("t2", 0), tp("t2", 1)])
        #expect(result["c3"] == [tp("t1", 2)])
    }

    @Test func rangeTwoConsumersTwoTopicsSixPartitions() {
        let result = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 3, "t2": 3], subscriptions: ["c1": subscription(["t1", "t2"]), "c2": subscription(["t1", "t2"])])
        #expect(result["c1"] == [tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)])
        #expect(result["c2"] == [tp("t1", 2), tp("t2", 2)])
    }

    @Test func rangeStaticMembersOrderByInstanceId() {
        // consumer-b has the lower instance id, so it comes first although its member id sorts later.
        let both = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 3, "t2": 3],
            subscriptions: [
                "consumer-b": subscription(["t1", "t2"], instance: "instance1"),
                "consumer-a": subscription(["t1", "t2"], instance: "instance2"),
            ])
        #expect(both["consumer-b"] == [tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)])
        #expect(both["consumer-a"] == [tp("t1", 2), tp("t2", 2)])
        // A static member comes before a dynamic one.
        let mixed = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 3, "t2": 3],
            subscriptions: ["consumer-b": subscription(["t1", "t2"], instance: "instance1"), "consumer-a": subscription(["t1", "t2"])])
        #expect(mixed["consumer-b"] == [tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)])
    }

    @Test func rangeStaticAssignmentPersistsWhenMemberIdsChange() {
        let topics = ["t1", "t2"]
        let first = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 5, "t2": 5],
            subscriptions: [
                "consumer1": subscription(topics, instance: "instance1"), "consumer2": subscription(topics, instance: "instance2"),
                "consumer3": subscription(topics, instance: "instance3"),
            ])
        let second = RangeAssignor().assign(
            partitionsPerTopic: ["t1": 5, "t2": 5],
            subscriptions: [
                "consumer1": subscription(topics, instance: "instance1"), "consumer5": subscription(topics, instance: "instance2"),
                "consumer4": subscription(topics, instance: "instance3"),
            ])
        #expect(first["consumer1"] == [tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)])
        #expect(first["consumer2"] == [tp("t1", 2), tp("t1", 3), tp("t2", 2), tp("t2", 3)])
        #expect(first["consumer3"] == [tp("t1", 4), tp("t2", 4)])
        #expect(second["consumer5"] == first["consumer2"])
        #expect(second["consumer4"] == first["consumer3"])
    }

    @Test func roundRobinTwoConsumersTwoTopicsSixPartitions() {
        let result = RoundRobinAssignor().assign(
            partitionsPerTopic: ["t0": 3, "t1": 3], subscriptions: ["C0": subscription(["t0", "t1"]), "C1": subscription(["t0", "t1"])])
        #expect(result["C0"] == [tp("t0", 0), tp("t0", 2), tp("t1", 1)])
        #expect(result["C1"] == [tp("t0", 1), tp("t1", 0), tp("t1", 2)])
    }

    @Test func roundRobinSkipsMembersNotSubscribed() {
        // The class comment's example: C0 on t0; C1 on t0, t1; C2 on t0, t1, t2.
        let result = RoundRobinAssignor().assign(
            partitionsPerTopic: ["t0": 1, "t1": 2, "t2": 3],
            subscriptions: ["C0": subscription(["t0"]), "C1": subscription(["t0", "t1"]), "C2": subscription(["t0", "t1", "t2"])])
        #expect(result["C0"] == [tp("t0", 0)])
        #expect(result["C1"] == [tp("t1", 0)])
        #expect(result["C2"] == [tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2)])
    }

    @Test func roundRobinMultipleConsumersMixedTopics() {
        let result = RoundRobinAssignor().assign(
            partitionsPerTopic: ["t1": 3, "t2": 2],
            subscriptions: ["c1": subscription(["t1"]), "c2": subscription(["t1", "t2"]), "c3": subscription(["t1"])])
        #expect(result["c1"] == [tp("t1", 0)])
        #expect(result["c2"] == [tp("t1", 1), tp("t2", 0), tp("t2", 1)])
        #expect(result["c3"] == [tp("t1", 2)])
    }

    @Test func roundRobinStaticMembersByInstanceId() {
        let result = RoundRobinAssignor().assign(
            partitionsPerTopic: ["t0": 3, "t1": 3],
            subscriptions: [
                "C5": subscription(["t0", "t1"], instance: "I0"), "C3": subscription(["t0", "t1"], instance: "I1"),
                "C4": subscription(["t0", "t1"], instance: "I2"),
            ])
        #expect(result["C5"] == [tp("t0", 0), tp("t1", 0)])
        #expect(result["C3"] == [tp("t0", 1), tp("t1", 1)])
        #expect(result["C4"] == [tp("t0", 2), tp("t1", 2)])
    }

    @Test func protocolIsTheHighestEveryAssignorSupports() {
        #expect(commonRebalanceProtocol([RangeAssignor(), CooperativeStickyAssignor()]) == .eager)
        #expect(commonRebalanceProtocol([CooperativeStickyAssignor()]) == .cooperative)
        #expect(commonRebalanceProtocol([]) == nil)
    }
}
