import Controller
import KafkaProtocol
import Testing

@testable import Broker

@Suite("Leader elections as the metrics count them")
struct LeaderElectionCounterTests {
    func image(_ partitions: [(leader: Int32, isr: [Int32])], id: KafkaUUID = KafkaUUID(high: 1, low: 1)) -> MetadataImage {
        var image = MetadataImage(clusterId: "c")
        var topic = TopicImage(name: "orders", id: id)
        for (index, partition) in partitions.enumerated() {
            topic.partitions[Int32(index)] = PartitionImage(
                index: Int32(index), replicas: [1, 2, 3], isr: partition.isr, leader: partition.leader, leaderEpoch: 0, partitionEpoch: 0)
        }
        image.topicsByName["orders"] = topic
        return image
    }

    @Test func aNewLeaderFromTheIsrIsCleanFromOutsideUnclean() {
        let before = image([(1, [1, 2, 3]), (2, [2]), (3, [3, 1]), (-1, [2])])
        let after = image([(2, [2, 3]), (1, [1]), (3, [3]), (1, [1])])
        // Partition 0: 1 → 2 from the ISR; 1: 2 → 1, not in [2]; 2: unchanged; 3: none → 1, not in [2].
        #expect(LeaderElectionCounter.elections(from: before, to: after) == (clean: 1, unclean: 2))
    }

    @Test func losingALeaderOrMakingATopicIsNoElection() {
        let before = image([(1, [1, 2])])
        #expect(LeaderElectionCounter.elections(from: before, to: image([(-1, [1])])) == (0, 0))
        #expect(LeaderElectionCounter.elections(from: MetadataImage(clusterId: "c"), to: before) == (0, 0))
        #expect(LeaderElectionCounter.elections(from: before, to: image([(2, [2])], id: KafkaUUID(high: 2, low: 2))) == (0, 0), "a recreated topic")
    }
}
