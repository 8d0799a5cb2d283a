import KafkaProtocol
import NIOCore
import Raft

/// The quorum's messages on Kafka's wire: Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and FetchSnapshot on the
/// `__cluster_metadata` partition 0, as KRaft voters send them to each other (KIP-595). The Raft module
/// speaks `RaftMessage`; these functions translate in both directions.
enum RaftWire {
    static let topic = "__cluster_metadata"
    /// Fetch between voters goes out at v12: flexible, topics by name, with lastFetchedEpoch and the
    /// divergingEpoch / currentLeader answers.
    static let fetchVersion: Int16 = 12

    static func errorCode(_ error: RaftError) -> Int16 {
        switch error {
        case .none: 0
        case .fencedLeaderEpoch: ErrorCode.fencedLeaderEpoch.rawValue
        case .unknownLeaderEpoch: ErrorCode.unknownLeaderEpoch.rawValue
        case .notLeaderOrFollower: ErrorCode.notLeaderOrFollower.rawValue
        case .inconsistentVoterSet: ErrorCode.inconsistentVoterSet.rawValue
        case .snapshotNotFound: ErrorCode.snapshotNotFound.rawValue
        case .positionOutOfRange: ErrorCode.positionOutOfRange.rawValue
        }
    }

    static func raftError(_ code: Int16) -> RaftError {
        switch code {
        case 0: .none
        case ErrorCode.fencedLeaderEpoch.rawValue: .fencedLeaderEpoch
        case ErrorCode.unknownLeaderEpoch.rawValue: .unknownLeaderEpoch
        case ErrorCode.inconsistentVoterSet.rawValue: .inconsistentVoterSet
        case ErrorCode.snapshotNotFound.rawValue: .snapshotNotFound
        case ErrorCode.positionOutOfRange.rawValue: .positionOutOfRange
        default: .notLeaderOrFollower
        }
    }

    // MARK: Vote

    static func voteRequest(_ r: RaftMessage.VoteRequest, clusterId: String) -> VoteRequest {
        var partition = VoteRequest.PartitionData()
        partition.candidateEpoch = r.candidateEpoch
        partition.candidateId = r.candidateId
        partition.lastOffsetEpoch = r.lastOffset.epoch
        partition.lastOffset = r.lastOffset.offset
        var request = VoteRequest()
        request.clusterId = clusterId
        request.topics = [VoteRequest.TopicData(topicName: topic, partitions: [partition])]
        return request
    }

    static func vote(from request: VoteRequest) -> RaftMessage.VoteRequest? {
        guard let p = metadataPartition(request.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(candidateEpoch: p.candidateEpoch, candidateId: p.candidateId, lastOffset: OffsetAndEpoch(offset: p.lastOffset, epoch: p.lastOffsetEpoch))
    }

    static func voteResponse(_ r: RaftMessage.VoteResponse) -> VoteResponse {
        var partition = VoteResponse.PartitionData()
        partition.errorCode = errorCode(r.error)
        partition.leaderId = r.leaderId
        partition.leaderEpoch = r.leaderEpoch
        partition.voteGranted = r.voteGranted
        var response = VoteResponse()
        response.topics = [VoteResponse.TopicData(topicName: topic, partitions: [partition])]
        return response
    }

    static func vote(from response: VoteResponse) -> RaftMessage.VoteResponse? {
        guard let p = metadataPartition(response.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(error: raftError(response.errorCode != 0 ? response.errorCode : p.errorCode), leaderEpoch: p.leaderEpoch, leaderId: p.leaderId, voteGranted: p.voteGranted)
    }

    // MARK: BeginQuorumEpoch and EndQuorumEpoch

    static func beginQuorumEpochRequest(_ r: RaftMessage.BeginQuorumEpochRequest, clusterId: String) -> BeginQuorumEpochRequest {
        var partition = BeginQuorumEpochRequest.PartitionData()
        partition.leaderId = r.leaderId
        partition.leaderEpoch = r.leaderEpoch
        var request = BeginQuorumEpochRequest()
        request.clusterId = clusterId
        request.topics = [BeginQuorumEpochRequest.TopicData(topicName: topic, partitions: [partition])]
        return request
    }

    static func beginQuorumEpoch(from request: BeginQuorumEpochRequest) -> RaftMessage.BeginQuorumEpochRequest? {
        guard let p = metadataPartition(request.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(leaderEpoch: p.leaderEpoch, leaderId: p.leaderId)
    }

    static func beginQuorumEpochResponse(_ r: RaftMessage.QuorumResponse) -> BeginQuorumEpochResponse {
        var partition = BeginQuorumEpochResponse.PartitionData()
        partition.errorCode = errorCode(r.error)
        partition.leaderId = r.leaderId
        partition.leaderEpoch = r.leaderEpoch
        var response = BeginQuorumEpochResponse()
        response.topics = [BeginQuorumEpochResponse.TopicData(topicName: topic, partitions: [partition])]
        return response
    }

    static func quorumResponse(from response: BeginQuorumEpochResponse) -> RaftMessage.QuorumResponse? {
        guard let p = metadataPartition(response.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(error: raftError(response.errorCode != 0 ? response.errorCode : p.errorCode), leaderEpoch: p.leaderEpoch, leaderId: p.leaderId)
    }

    static func endQuorumEpochRequest(_ r: RaftMessage.EndQuorumEpochRequest, clusterId: String) -> EndQuorumEpochRequest {
        var partition = EndQuorumEpochRequest.PartitionData()
        partition.leaderId = r.leaderId
        partition.leaderEpoch = r.leaderEpoch
        partition.preferredSuccessors = r.preferredSuccessors
        var request = EndQuorumEpochRequest()
        request.clusterId = clusterId
        request.topics = [EndQuorumEpochRequest.TopicData(topicName: topic, partitions: [partition])]
        return request
    }

    static func endQuorumEpoch(from request: EndQuorumEpochRequest) -> RaftMessage.EndQuorumEpochRequest? {
        guard let p = metadataPartition(request.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(leaderEpoch: p.leaderEpoch, leaderId: p.leaderId, preferredSuccessors: p.preferredSuccessors)
    }

    static func endQuorumEpochResponse(_ r: RaftMessage.QuorumResponse) -> EndQuorumEpochResponse {
        var partition = EndQuorumEpochResponse.PartitionData()
        partition.errorCode = errorCode(r.error)
        partition.leaderId = r.leaderId
        partition.leaderEpoch = r.leaderEpoch
        var response = EndQuorumEpochResponse()
        response.topics = [EndQuorumEpochResponse.TopicData(topicName: topic, partitions: [partition])]
        return response
    }

    static func quorumResponse(from response: EndQuorumEpochResponse) -> RaftMessage.QuorumResponse? {
        guard let p = metadataPartition(response.topics, \.topicName, \.partitions, \.partitionIndex) else { return nil }
        return .init(error: raftError(response.errorCode != 0 ? response.errorCode : p.errorCode), leaderEpoch: p.leaderEpoch, leaderId: p.leaderId)
    }

    // MARK: Fetch

    static func fetchRequest(_ r: RaftMessage.FetchRequest, clusterId: String, maxWaitMs: Int32) -> FetchRequest {
        var partition = FetchRequest.FetchPartition()
        partition.partition = 0
        partition.currentLeaderEpoch = r.currentLeaderEpoch
        partition.fetchOffset = r.fetchOffset
        partition.lastFetchedEpoch = r.lastFetchedEpoch
        partition.partitionMaxBytes = 8 << 20
        var request = FetchRequest()
        request.clusterId = clusterId
        request.replicaId = r.replicaId
        request.maxWaitMs = maxWaitMs
        request.minBytes = 0
        request.topics = [FetchRequest.FetchTopic(topic: topic, partitions: [partition])]
        return request
    }

    /// Whether a Fetch is the quorum's (rather than a consumer's or a partition follower's).
    static func isQuorumFetch(_ request: FetchRequest) -> Bool {
        request.topics.count == 1 && request.topics[0].topic == topic && request.topics[0].partitions.count == 1
    }

    static func fetch(from request: FetchRequest, version: Int16) -> RaftMessage.FetchRequest? {
        guard isQuorumFetch(request), let p = request.topics.first?.partitions.first, p.partition == 0 else { return nil }
        let replicaId = version >= 15 ? request.replicaState.replicaId : request.replicaId
        return .init(replicaId: replicaId, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch)
    }

    static func fetchResponse(_ r: RaftMessage.FetchResponse, timestamp: Int64) throws -> FetchResponse {
        var partition = FetchResponse.PartitionData()
        partition.partitionIndex = 0
        partition.errorCode = errorCode(r.error)
        partition.highWatermark = r.highWatermark
        partition.currentLeader = FetchResponse.LeaderIdAndEpoch(leaderId: r.leaderId, leaderEpoch: r.leaderEpoch)
        if let diverging = r.divergingEpoch {
            partition.divergingEpoch = FetchResponse.EpochEndOffset(epoch: diverging.epoch, endOffset: diverging.offset)
        }
        if let snapshot = r.snapshotId {
            partition.snapshotId = FetchResponse.SnapshotId(endOffset: snapshot.offset, epoch: snapshot.epoch)
        }
        partition.records = .bytes(try RaftRecordBatches.encode(r.entries, timestamp: timestamp))
        var response = FetchResponse()
        response.responses = [FetchResponse.FetchableTopicResponse(topic: topic, partitions: [partition])]
        return response
    }

    static func fetch(from response: FetchResponse) throws -> RaftMessage.FetchResponse? {
        guard response.errorCode == 0 else {
            return .init(error: raftError(response.errorCode), leaderEpoch: -1, leaderId: -1)
        }
        guard let p = response.responses.first(where: { $0.topic == topic })?.partitions.first(where: { $0.partitionIndex == 0 }) else { return nil }
        var entries: [RaftEntry] = []
        if case .bytes(let bytes)? = p.records { entries = try RaftRecordBatches.decode(bytes) }
        let diverging = p.divergingEpoch.epoch >= 0 ? OffsetAndEpoch(offset: p.divergingEpoch.endOffset, epoch: p.divergingEpoch.epoch) : nil
        let snapshot = p.snapshotId.endOffset >= 0 && p.snapshotId.epoch >= 0 ? OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch) : nil
        return .init(
            error: raftError(p.errorCode), leaderEpoch: p.currentLeader.leaderEpoch, leaderId: p.currentLeader.leaderId,
            highWatermark: p.highWatermark, divergingEpoch: diverging, snapshotId: snapshot, entries: entries)
    }

    // MARK: FetchSnapshot

    static func fetchSnapshotRequest(_ r: RaftMessage.FetchSnapshotRequest, clusterId: String, maxBytes: Int) -> FetchSnapshotRequest {
        var partition = FetchSnapshotRequest.PartitionSnapshot()
        partition.partition = 0
        partition.currentLeaderEpoch = r.currentLeaderEpoch
        partition.snapshotId = FetchSnapshotRequest.SnapshotId(endOffset: r.snapshotId.offset, epoch: r.snapshotId.epoch)
        partition.position = r.position
        var request = FetchSnapshotRequest()
        request.clusterId = clusterId
        request.replicaId = r.replicaId
        request.maxBytes = Int32(clamping: maxBytes)
        request.topics = [FetchSnapshotRequest.TopicSnapshot(name: topic, partitions: [partition])]
        return request
    }

    static func fetchSnapshot(from request: FetchSnapshotRequest) -> RaftMessage.FetchSnapshotRequest? {
        guard let p = metadataPartition(request.topics, \.name, \.partitions, \.partition) else { return nil }
        return .init(
            replicaId: request.replicaId, currentLeaderEpoch: p.currentLeaderEpoch,
            snapshotId: OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch), position: p.position)
    }

    static func fetchSnapshotResponse(_ r: RaftMessage.FetchSnapshotResponse) -> FetchSnapshotResponse {
        var partition = FetchSnapshotResponse.PartitionSnapshot()
        partition.index = 0
        partition.errorCode = errorCode(r.error)
        partition.snapshotId = FetchSnapshotResponse.SnapshotId(endOffset: r.snapshotId.offset, epoch: r.snapshotId.epoch)
        partition.currentLeader = FetchSnapshotResponse.LeaderIdAndEpoch(leaderId: r.leaderId, leaderEpoch: r.leaderEpoch)
        partition.size = r.size
        partition.position = r.position
        partition.unalignedRecords = .bytes(r.bytes)
        var response = FetchSnapshotResponse()
        response.topics = [FetchSnapshotResponse.TopicSnapshot(name: topic, partitions: [partition])]
        return response
    }

    static func fetchSnapshot(from response: FetchSnapshotResponse) -> RaftMessage.FetchSnapshotResponse? {
        guard let p = metadataPartition(response.topics, \.name, \.partitions, \.index) else {
            guard response.errorCode != 0 else { return nil }
            return .init(error: raftError(response.errorCode), leaderEpoch: -1, leaderId: -1, snapshotId: OffsetAndEpoch(offset: -1, epoch: -1))
        }
        var bytes = ByteBuffer()
        if case .bytes(let chunk) = p.unalignedRecords { bytes = chunk }
        return .init(
            error: raftError(response.errorCode != 0 ? response.errorCode : p.errorCode), leaderEpoch: p.currentLeader.leaderEpoch,
            leaderId: p.currentLeader.leaderId, snapshotId: OffsetAndEpoch(offset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch),
            size: p.size, position: p.position, bytes: bytes)
    }

    /// The entry for partition 0 of `__cluster_metadata` in a request or response's topic list.
    private static func metadataPartition<Topic, Partition>(
        _ topics: [Topic], _ name: KeyPath<Topic, String>, _ partitions: KeyPath<Topic, [Partition]>, _ index: KeyPath<Partition, Int32>
    ) -> Partition? {
        topics.first { $0[keyPath: name] == topic }?[keyPath: partitions].first { $0[keyPath: index] == 0 }
    }
}
