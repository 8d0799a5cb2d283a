import KafkaProtocol
import KafkaRecords
import NIOCore

extension FakeCluster {
    func produce(frame: KafkaRequestFrame, broker: Int32) -> FakeReply {
        (try? produce(frame, broker: broker)) ?? .close
    }

    func produce(_ frame: KafkaRequestFrame, broker: Int32) throws -> FakeReply {
        let request = try frame.decode(ProduceRequest.self)
        var response = ProduceResponse()
        state.withLock { state in
            for topicData in request.topicData {
                var topicResponse = ProduceResponse.TopicProduceResponse()
                topicResponse.name = topicData.name
                for data in topicData.partitionData {
                    var result = ProduceResponse.PartitionProduceResponse()
                    result.index = data.index
                    result.errorCode = Self.append(data, topic: topicData.name, broker: broker, state: &state, result: &result)
                    topicResponse.partitionResponses.append(result)
                }
                response.responses.append(topicResponse)
            }
        }
        return request.acks == 0 ? .none : .response(response, to: frame)
    }

    private static func append(
        _ data: ProduceRequest.PartitionProduceData, topic: String, broker: Int32, state: inout State,
        result: inout ProduceResponse.PartitionProduceResponse
    ) -> Int16 {
        let index = Int(data.index)
        guard var partition = state.topics[topic]?.partitions[safe: index] else { return ErrorCode.unknownTopicOrPartition.rawValue }
        guard partition.leader == broker else { return ErrorCode.notLeaderOrFollower.rawValue }
        // Leave a placeholder while we work, so the log array stays uniquely referenced (no copy per append).
        state.topics[topic]?.partitions[index] = FakePartition(leader: partition.leader)
        defer { state.topics[topic]?.partitions[index] = partition }
        var batches = RecordBatchSequence(data.records?.buffer ?? ByteBuffer())
        guard var batch = batches.next(), (try? batch.validate()) != nil else { return ErrorCode.corruptMessage.rawValue }
        if batch.hasProducerId {
            var entry = partition.producers[batch.producerId] ?? (batch.producerEpoch, -1, [])
            if let duplicate = entry.recent.first(where: { $0.0 == batch.baseSequence && $0.1 == batch.lastSequence }) {
                result.baseOffset = duplicate.2
                return 0
            }
            guard batch.baseSequence == entry.lastSequence &+ 1 else { return ErrorCode.outOfOrderSequenceNumber.rawValue }
            entry.lastSequence = batch.lastSequence
            entry.recent.append((batch.baseSequence, batch.lastSequence, partition.logEndOffset))
            if entry.recent.count > 5 { entry.recent.removeFirst() }
            partition.producers[batch.producerId] = entry
        }
        batch.baseOffset = partition.logEndOffset
        batch.partitionLeaderEpoch = partition.leaderEpoch
        result.baseOffset = partition.logEndOffset
        result.logStartOffset = partition.logStartOffset
        partition.batches.append(batch)
        partition.logEndOffset = batch.nextOffset
        return 0
    }

    func fetch(_ frame: KafkaRequestFrame, broker: Int32) throws -> FakeReply {
        let request = try frame.decode(FetchRequest.self)
        let usesIds = frame.apiVersion >= 13
        var response = FetchResponse()
        var anyData = false
        state.withLock { state in
            for topic in request.topics {
                let name = usesIds ? state.topics.first { $0.value.id == topic.topicId }?.key : topic.topic
                var topicResponse = FetchResponse.FetchableTopicResponse()
                topicResponse.topic = usesIds ? "" : topic.topic
                topicResponse.topicId = topic.topicId
                for wanted in topic.partitions {
                    var data = FetchResponse.PartitionData()
                    data.partitionIndex = wanted.partition
                    guard let name, let partition = state.topics[name]?.partitions[safe: Int(wanted.partition)] else {
                        data.errorCode = (usesIds ? ErrorCode.unknownTopicId : .unknownTopicOrPartition).rawValue
                        topicResponse.partitions.append(data)
                        continue
                    }
                    data.highWatermark = partition.logEndOffset
                    data.lastStableOffset = partition.logEndOffset
                    data.logStartOffset = partition.logStartOffset
                    if partition.leader != broker {
                        data.errorCode = ErrorCode.notLeaderOrFollower.rawValue
                    } else if wanted.fetchOffset < partition.logStartOffset || wanted.fetchOffset > partition.logEndOffset {
                        data.errorCode = ErrorCode.offsetOutOfRange.rawValue
                    } else {
                        var records = ByteBuffer()
                        for batch in partition.batches where batch.nextOffset > wanted.fetchOffset {
                            if records.readableBytes > 0, records.readableBytes + batch.sizeInBytes > wanted.partitionMaxBytes { break }
                            records.writeImmutableBuffer(batch.bytes)
                        }
                        anyData = anyData || records.readableBytes > 0
                        data.records = .bytes(records)
                    }
                    topicResponse.partitions.append(data)
                }
                response.responses.append(topicResponse)
            }
        }
        let reply = FakeReply.response(response, to: frame)
        return anyData || request.maxWaitMs <= 0 ? reply : .delayed(.milliseconds(Int64(min(request.maxWaitMs, 30))), reply)
    }

    func listOffsets(_ frame: KafkaRequestFrame, broker: Int32) throws -> FakeReply {
        let request = try frame.decode(ListOffsetsRequest.self)
        var response = ListOffsetsResponse()
        state.withLock { state in
            for topic in request.topics {
                var topicResponse = ListOffsetsResponse.ListOffsetsTopicResponse()
                topicResponse.name = topic.name
                for wanted in topic.partitions {
                    var result = ListOffsetsResponse.ListOffsetsPartitionResponse()
                    result.partitionIndex = wanted.partitionIndex
                    if let partition = state.topics[topic.name]?.partitions[safe: Int(wanted.partitionIndex)] {
                        if partition.leader != broker {
                            result.errorCode = ErrorCode.notLeaderOrFollower.rawValue
                        } else {
                            (result.offset, result.timestamp) = Self.lookup(wanted.timestamp, in: partition)
                            result.leaderEpoch = partition.leaderEpoch
                        }
                    } else {
                        result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                    }
                    topicResponse.partitions.append(result)
                }
                response.topics.append(topicResponse)
            }
        }
        return .response(response, to: frame)
    }

    private static func lookup(_ timestamp: Int64, in partition: FakePartition) -> (Int64, Int64) {
        switch timestamp {
        case -2, -4: return (partition.logStartOffset, -1)
        case -1: return (partition.logEndOffset, -1)
        default:
            let records = partition.batches.flatMap { (try? $0.decodeRecords()) ?? [] }
            if timestamp == -3 {
                guard let best = records.max(by: { $0.timestamp < $1.timestamp }) else { return (-1, -1) }
                return (best.offset, best.timestamp)
            }
            guard let first = records.first(where: { $0.timestamp >= timestamp }) else { return (-1, -1) }
            return (first.offset, first.timestamp)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
