import KafkaProtocol
import KafkaRecords
import NIOCore

/// One Produce request to build: batches for one broker, at most one per partition.
struct DrainedRequest {
    var node: Int32
    var batches: [ProducerBatch]
}

/// What one drain decided.
struct DrainPlan {
    var requests: [DrainedRequest] = []
    /// Brokers to connect to (batches wait for them).
    var connect: Set<Int32> = []
    /// Topics whose leaders are unknown.
    var refresh: Set<String> = []
    /// Batches past `delivery.timeout.ms` before they could be sent.
    var expired: [ProducerBatch] = []
    /// When the next batch lingers out or a retry backoff ends.
    var nextDeadline: NIODeadline?
    var startProducerIdRequest = false
}

extension ProducerState {
    /// Picks the batches to send now, following Kafka's sender: ready when full, lingered out, flushed or
    /// closing; one batch per partition per request; at most `max.in.flight` requests per broker; with
    /// idempotence, a retried batch goes only when it is the first unresolved one of its partition, so
    /// retries keep sequence order.
    mutating func drain(
        now: NIODeadline, configuration: ProducerConfiguration, isConnected: (Int32) -> Bool
    ) -> DrainPlan {
        var plan = DrainPlan()
        let linger = configuration.linger.timeAmount
        let forceReady = flushes > 0 || closed
        let blocked = idempotence == .needsProducerId || idempotence == .initializing
        if idempotence == .needsProducerId, inFlight.values.reduce(0, +) == 0 {
            idempotence = .initializing
            plan.startProducerIdRequest = true
        }
        for pass in 0..<max(configuration.maxInFlightRequestsPerConnection, 1) {
            var byNode: [Int32: (batches: [ProducerBatch], bytes: Int)] = [:]
            for tp in active {
                // Taken out of the dictionary while it changes: a copy that still shared its buffers with
                // the dictionary would copy every queued batch on the first change (quadratic with many
                // small batches queued, as with linger.ms=0 and a tiny batch.size).
                guard var queue = queues.removeValue(forKey: tp) else { continue }
                defer { queues[tp] = queue }
                if pass == 0 {
                    if let open = queue.open {
                        let due = open.createdAt + linger
                        if forceReady || due <= now {
                            queue.open = nil
                            queue.ready.append(open)
                        } else {
                            plan.nextDeadline = min(plan.nextDeadline ?? due, due)
                        }
                    }
                    expire(&queue, now: now, configuration: configuration, into: &plan)
                }
                guard !blocked, let head = queue.ready.first else { continue }
                if let retryAt = head.retryAt, retryAt > now {
                    plan.nextDeadline = min(plan.nextDeadline ?? retryAt, retryAt)
                    continue
                }
                guard let leader = metadata.leader(for: tp), metadata.brokers[leader] != nil else {
                    plan.refresh.insert(tp.topic)
                    continue
                }
                guard isConnected(leader) else {
                    plan.connect.insert(leader)
                    continue
                }
                let pending = byNode[leader]
                guard pending != nil || inFlight[leader, default: 0] < configuration.maxInFlightRequestsPerConnection else { continue }
                let isRetryUnderSameId = head.attempts > 0 && head.producer == producer && producer.isIdempotent
                if isRetryUnderSameId, queue.unresolved.first !== head { continue }
                let size = head.built?.sizeInBytes ?? head.builder.estimatedSizeInBytes
                if let pending, pending.bytes + size > configuration.maxRequestSize { continue }
                queue.ready.removeFirst()
                if producer.isIdempotent, !isRetryUnderSameId {
                    head.producer = producer
                    head.baseSequence = queue.nextSequence
                    queue.nextSequence = Int32(truncatingIfNeeded: (Int64(queue.nextSequence) + Int64(head.recordCount)) % (Int64(Int32.max) + 1))
                    queue.unresolved.append(head)
                }
                head.attempts += 1
                head.retryAt = nil
                byNode[leader, default: ([], 0)].batches.append(head)
                byNode[leader]?.bytes += size
            }
            if byNode.isEmpty { break }
            for (node, entry) in byNode {
                inFlight[node, default: 0] += 1
                plan.requests.append(DrainedRequest(node: node, batches: entry.batches))
            }
        }
        active = active.filter { queues[$0].map { !$0.isIdle } ?? false }
        return plan
    }

    /// Drops ready batches older than `delivery.timeout.ms`. One that was sent before leaves its sequence
    /// unresolved, so the idempotent producer must start over with a new id.
    private mutating func expire(_ queue: inout PartitionQueue, now: NIODeadline, configuration: ProducerConfiguration, into plan: inout DrainPlan) {
        let timeout = configuration.deliveryTimeout.timeAmount
        while let head = queue.ready.first, head.createdAt + timeout <= now {
            queue.ready.removeFirst()
            if head.attempts > 0, producer.isIdempotent, head.producer == producer {
                idempotence = .needsProducerId
            }
            plan.expired.append(head)
        }
    }

    /// Puts a batch back for another attempt: in sequence order for idempotence, else at the front.
    mutating func requeue(_ batch: ProducerBatch, at: NIODeadline) {
        batch.retryAt = at
        let tp = batch.topicPartition
        var queue = queues.removeValue(forKey: tp) ?? PartitionQueue()
        var index = 0
        if batch.baseSequence >= 0 {
            while index < queue.ready.count, queue.ready[queue.ready.index(queue.ready.startIndex, offsetBy: index)].baseSequence >= 0,
                queue.ready[queue.ready.index(queue.ready.startIndex, offsetBy: index)].baseSequence < batch.baseSequence
            {
                index += 1
            }
        }
        queue.ready.insert(batch, at: queue.ready.index(queue.ready.startIndex, offsetBy: index))
        queues[tp] = queue
        active.insert(tp)
    }
}
