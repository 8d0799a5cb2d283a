import KafkaProtocol
import KafkaRecords
import NIOCore

/// How one partition of a Produce request came back.
enum PartitionOutcome {
    case success(baseOffset: Int64, logAppendTime: Int64)
    case error(ErrorCode, message: String?)
    /// The request as a whole failed (connection lost, timeout): the batch may or may not be written.
    case transportFailure(KafkaClientError)
}

/// What to do after a response: callbacks to run, waiters to wake, topics to refresh.
struct CompletionPlan {
    var completions: [(ProducerBatch, Result<(baseOffset: Int64, logAppendTime: Int64), KafkaClientError>)] = []
    var resumed: [CheckedContinuation<Void, Never>] = []
    var refresh: Set<String> = []
    var retried = 0
}

extension ProducerState {
    /// Applies one request's outcome to its batches, as Kafka's sender does: success (and, with
    /// idempotence, DUPLICATE_SEQUENCE_NUMBER) completes; retriable errors retry after the backoff until
    /// `retries` or `delivery.timeout.ms` run out; OUT_OF_ORDER_SEQUENCE_NUMBER is retried while an earlier
    /// batch of the partition is unresolved (it is then a consequence, not a cause) and is fatal otherwise;
    /// a fatal error on a sequenced batch, or UNKNOWN_PRODUCER_ID, makes the producer start over with a
    /// new producer id once nothing is in flight.
    mutating func complete(
        _ request: DrainedRequest, outcomes: (TopicPartition) -> PartitionOutcome, now: NIODeadline,
        configuration: ProducerConfiguration, backoff: TimeAmount
    ) -> CompletionPlan {
        var plan = CompletionPlan()
        inFlight[request.node, default: 1] -= 1
        for batch in request.batches {
            let tp = batch.topicPartition
            let sequenced = batch.producer.isIdempotent && batch.producer == producer
            var retry = false
            var result: Result<(baseOffset: Int64, logAppendTime: Int64), KafkaClientError>?
            switch outcomes(tp) {
            case .success(let baseOffset, let logAppendTime):
                result = .success((baseOffset, logAppendTime))
            case .error(let code, _) where code == .duplicateSequenceNumber && sequenced:
                result = .success((-1, -1))
            case .error(let code, let message):
                if MetadataExchange.invalidatesMetadata(code) { plan.refresh.insert(tp.topic) }
                let lastAcked = queues[tp]?.lastAckedSequence ?? -1
                if code == .outOfOrderSequenceNumber, sequenced, batch.baseSequence != lastAcked &+ 1 {
                    retry = true
                } else if code == .unknownProducerId, batch.producer.isIdempotent {
                    idempotence = .needsProducerId
                    retry = true
                } else if code.isRetriable {
                    retry = true
                } else {
                    if sequenced { idempotence = .needsProducerId }
                    result = .failure(.broker(code, "produce to \(tp) failed", message: message))
                }
            case .transportFailure:
                plan.refresh.insert(tp.topic)
                retry = true
            }
            if retry {
                let timedOut = now >= batch.createdAt + configuration.deliveryTimeout.timeAmount
                if !closed || flushes > 0, batch.attempts <= configuration.retries, !timedOut {
                    requeue(batch, at: now + backoff)
                    plan.retried += 1
                    continue
                }
                if sequenced { idempotence = .needsProducerId }
                let reason: String
                switch outcomes(tp) {
                case .error(let code, _): reason = code.name
                case .transportFailure(let error): reason = error.message
                case .success: reason = "unknown"
                }
                result = .failure(KafkaClientError(
                    .deliveryTimedOut, "gave up on \(batch.recordCount) record(s) for \(tp) after \(batch.attempts) attempt(s): \(reason)"))
            }
            if case .success = result, sequenced { queues[tp]?.lastAckedSequence = batch.lastSequence }
            plan.resumed += finish(batch)
            if let result { plan.completions.append((batch, result)) }
        }
        return plan
    }
}
