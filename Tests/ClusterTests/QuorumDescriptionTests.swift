import KafkaProtocol
import Testing

@testable import KafkaClient

@Suite("DescribeQuorum answers read into QuorumDescription")
struct QuorumDescriptionTests {
    func response(errorCode: Int16 = 0, partitionError: Int16 = 0, leader: Int32 = 2) -> DescribeQuorumResponse {
        var partition = DescribeQuorumResponse.PartitionData(
            partitionIndex: 0, errorCode: partitionError, leaderId: leader, leaderEpoch: 5, highWatermark: 120,
            currentVoters: [.init(replicaId: 1, logEndOffset: 118), .init(replicaId: 2, logEndOffset: 120, lastFetchTimestamp: 1_700_000_000_000)],
            observers: [.init(replicaId: 4, logEndOffset: 100)])
        partition.unknownTaggedFields = []
        var response = DescribeQuorumResponse()
        response.errorCode = errorCode
        response.topics = [.init(topicName: "__cluster_metadata", partitions: [partition])]
        return response
    }

    @Test func readsLeaderVotersAndObservers() throws {
        let quorum = try QuorumDescription(response())
        #expect(quorum.leaderId == 2)
        #expect(quorum.leaderEpoch == 5)
        #expect(quorum.highWatermark == 120)
        #expect(quorum.voters.map(\.replicaId) == [1, 2])
        #expect(quorum.voters[0].lastFetchTimestamp == nil)
        #expect(quorum.voters[1].lastFetchTimestamp == 1_700_000_000_000)
        #expect(quorum.observers == [QuorumReplica(replicaId: 4, logEndOffset: 100)])
        #expect(try QuorumDescription(response(leader: -1)).leaderId == nil)
    }

    @Test func unsupportedVersionMeansTheQuorumIsNotDescribed() {
        #expect {
            _ = try QuorumDescription(response(errorCode: ErrorCode.unsupportedVersion.rawValue))
        } throws: { error in
            (error as? KafkaClientError)?.code == .unsupportedVersion
        }
    }

    @Test func otherErrorsAreBrokerErrors() {
        #expect {
            _ = try QuorumDescription(response(partitionError: ErrorCode.notLeaderOrFollower.rawValue))
        } throws: { error in
            (error as? KafkaClientError)?.brokerError == .notLeaderOrFollower
        }
    }
}
