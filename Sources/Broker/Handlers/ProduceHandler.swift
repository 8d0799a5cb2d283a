import KafkaProtocol
import KafkaRecords

/// Produce (key 0), versions 3-11: appends each partition's batch as leader and answers with its base
/// offset. acks=0 gets no answer, acks=1 is answered once the leader wrote, acks=all once the ISR has
/// it (or REQUEST_TIMED_OUT after the request's timeout). Versions 0-2 carry the old message formats,
/// which Kafka 4.0 dropped too (KIP-724).
struct ProduceHandler: APIHandler {
    typealias Request = ProduceRequest
    static let versions: ClosedRange<Int16> = 3...11

    let broker: BrokerContext

    func handle(_ request: ProduceRequest, context: RequestContext) async throws -> ProduceResponse? {
        let acks = request.acks
        let deadline = ContinuousClock.now + .milliseconds(max(0, Int64(request.timeoutMs)))
        // Every append first, in request order; then the connection may go on to its next request while
        // acks=all waits for the ISR (acks=0 may still have to close the connection, so it does not).
        let appends = request.topicData.map { topic in
            topic.partitionData.map { append($0, topic: topic.name, acks: acks, version: context.apiVersion) }
        }
        if acks != 0 { context.releaseOrder() }
        var response = ProduceResponse()
        for (topic, topicAppends) in zip(request.topicData, appends) {
            var topicResponse = ProduceResponse.TopicProduceResponse(name: topic.name)
            for append in topicAppends {
                topicResponse.partitionResponses.append(await answer(append, acks: acks, deadline: deadline, version: context.apiVersion))
            }
            response.responses.append(topicResponse)
        }
        guard acks == 0 else { return response }
        // acks=0 has no answer to carry an error, so a failed write closes the connection instead, as
        // Kafka does: the producer notices, refreshes its metadata and reconnects.
        let failures = response.responses.flatMap { topic in
            topic.partitionResponses.filter { $0.errorCode != 0 }.map { "\(topic.name)-\($0.index): \(ErrorCode(rawValue: $0.errorCode))" }
        }
        if !failures.isEmpty { throw AcksZeroProduceFailed(failures: failures) }
        return nil
    }

    /// One partition's append: refused at once (the answer), or written (what the answer needs).
    private enum Append {
        case refused(ProduceResponse.PartitionProduceResponse)
        case written(ReplicaManager.AppendOutcome, index: Int32)
    }

    private func append(_ data: ProduceRequest.PartitionProduceData, topic: String, acks: Int16, version: Int16) -> Append {
        guard acks == 0 || acks == 1 || acks == -1 else {
            return .refused(failure(ProduceError(.invalidRequiredAcks, "acks must be -1, 0 or 1, not \(acks)."), index: data.index, version: version))
        }
        do {
            let outcome = try broker.replicas.appendRecords(data.records, to: TopicPartition(topic, data.index), acks: acks)
            broker.metrics.bytesIn(
                topic: topic, bytes: data.records?.buffer?.readableBytes ?? 0,
                records: Int(outcome.result.lastOffset - outcome.result.firstOffset + 1))
            return .written(outcome, index: data.index)
        } catch {
            if error.code == .kafkaStorageError {
                broker.logger.error("append failed", metadata: ["partition": "\(topic)-\(data.index)", "error": "\(error.message)"])
            }
            return .refused(failure(error, index: data.index, version: version))
        }
    }

    /// The partition's answer, once the ISR has the write for acks=all.
    private func answer(_ append: Append, acks: Int16, deadline: ContinuousClock.Instant, version: Int16) async
        -> ProduceResponse.PartitionProduceResponse
    {
        let (outcome, index): (ReplicaManager.AppendOutcome, Int32)
        switch append {
        case .refused(let answer): return answer
        case .written(let written, let partition): (outcome, index) = (written, partition)
        }
        if acks == -1,
            let error = await broker.replicas.awaitAcknowledgement(outcome.partition, upTo: outcome.result.lastOffset + 1, deadline: deadline)
        {
            return failure(error, index: index, version: version)
        }
        var answer = ProduceResponse.PartitionProduceResponse(index: index, baseOffset: outcome.result.firstOffset)
        answer.logAppendTimeMs = outcome.partition.settings.log.messageTimestampType == .logAppendTime ? outcome.result.logAppendTime : -1
        if version >= 5 { answer.logStartOffset = outcome.result.logStartOffset }
        return answer
    }

    private func failure(_ error: ProduceError, index: Int32, version: Int16) -> ProduceResponse.PartitionProduceResponse {
        var answer = ProduceResponse.PartitionProduceResponse(index: index, baseOffset: -1)
        answer.errorCode = error.code.rawValue
        if version >= 8 { answer.errorMessage = error.message }
        return answer
    }
}

/// A Produce with acks=0 that failed somewhere; the router closes the connection on it.
struct AcksZeroProduceFailed: Error, CustomStringConvertible {
    var failures: [String]
    var description: String { "acks=0 produce failed, closing the connection (\(failures.joined(separator: ", ")))" }
}
