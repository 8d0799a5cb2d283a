/// The idempotent-producer bookkeeping of one partition (Kafka's ProducerStateManager and
/// ProducerAppendInfo), as a value with no I/O: the partition log calls it under its lock before and
/// after each append, and rebuilds it from the batch headers when it opens.
///
/// Gregor keeps no `.snapshot` files: the state is rebuilt on open by reading the header of every
/// batch in the log, which costs a scan of the headers (not the records) at start-up.
/// Transactions (ongoing transactions, the last stable offset, aborted-transaction indexes) are not
/// tracked yet: transactional batches get the same sequence checks as idempotent ones.
public struct ProducerStateManager: Sendable, Hashable {
    /// Who is appending: Kafka's AppendOrigin. Followers and rebuilds take the leader's word.
    public enum Origin: Sendable, Hashable {
        /// A client's produce request: every check applies.
        case client
        /// A follower copying the leader, or a rebuild from the log: no checks, state follows the batches.
        case replication
    }

    /// The outcome of checking an append.
    public enum AppendCheck: Sendable, Hashable {
        /// A retry of a batch already in the log: answer with its offsets, append nothing.
        case duplicate(ProducerBatchMetadata)
        /// The batches may be appended; `commit` these entries once they are written.
        case accepted(ProducerStateUpdate)
    }

    public private(set) var producers: [Int64: ProducerStateEntry] = [:]

    public init() {}

    public func entry(for producerId: Int64) -> ProducerStateEntry? { producers[producerId] }

    /// Checks the batches of one append, in order, and returns the producers' new entries or a
    /// duplicate. Throws `.invalidProducerEpoch` or `.outOfOrderSequence`.
    ///
    /// The rules follow Kafka 3.8's `UnifiedLog.analyzeAndValidateProducerState` and
    /// `ProducerAppendInfo.checkProducerEpoch`/`checkSequence`:
    /// - duplicate: a client batch whose epoch equals the stored entry's and whose (first, last)
    ///   sequence equals one of the five retained batches;
    /// - epoch: a batch epoch below the producer's current epoch is rejected (INVALID_PRODUCER_EPOCH);
    /// - a new epoch must start at sequence 0, unless the producer's epoch was unknown;
    /// - within an epoch, the first sequence must be last + 1, wrapping from Int32.max to 0;
    /// - a producer with no entry (new, or whose batches retention removed) may start at any
    ///   sequence: Kafka accepts it rather than failing producers whose state aged out (since KIP-360).
    public func checkAppend(_ batches: [ProducerBatch], origin: Origin) throws(LogStorageError) -> AppendCheck {
        var update = ProducerStateUpdate()
        for batch in batches where batch.producerId >= 0 {
            let current = producers[batch.producerId] ?? ProducerStateEntry(producerId: batch.producerId)
            if origin == .client, !batch.isControl, let duplicate = producers[batch.producerId]?.duplicate(of: batch) {
                return .duplicate(duplicate)
            }
            var updated = update.entries[batch.producerId] ?? ProducerStateEntry(
                producerId: batch.producerId, producerEpoch: current.producerEpoch, lastTimestamp: current.lastTimestamp)
            if origin == .client {
                try Self.checkEpoch(batch, against: updated)
                if !batch.isControl { try Self.checkSequence(batch, current: current, updated: updated) }
            }
            if batch.isControl {
                updated.updateEpoch(batch.producerEpoch)
                updated.lastTimestamp = batch.maxTimestamp
            } else {
                updated.addBatch(batch)
            }
            update.entries[batch.producerId] = updated
        }
        return .accepted(update)
    }

    /// Stores the entries of an accepted append after its bytes were written.
    public mutating func commit(_ update: ProducerStateUpdate) {
        for (producerId, updated) in update.entries {
            var entry = producers[producerId] ?? ProducerStateEntry(producerId: producerId)
            entry.updateEpoch(updated.producerEpoch)
            for batch in updated.batches {
                entry.addBatch(ProducerBatch(
                    producerId: producerId, producerEpoch: updated.producerEpoch, firstSequence: batch.firstSequence,
                    lastSequence: batch.lastSequence, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset,
                    maxTimestamp: batch.timestamp))
            }
            entry.lastTimestamp = updated.lastTimestamp
            producers[producerId] = entry
        }
    }

    /// Applies batches read back from the log (rebuild on open or after truncation): no checks.
    public mutating func replay(_ batch: ProducerBatch) {
        guard batch.producerId >= 0, case .accepted(let update) = try? checkAppend([batch], origin: .replication) else { return }
        commit(update)
    }

    /// Forgets producers whose last batch is older than `expirationMs` (Kafka's removeExpiredProducers).
    public mutating func removeExpiredProducers(now: Int64, expirationMs: Int64) {
        producers = producers.filter { now - $0.value.lastTimestamp < expirationMs }
    }

    public mutating func removeAll() { producers.removeAll() }

    static func checkEpoch(_ batch: ProducerBatch, against entry: ProducerStateEntry) throws(LogStorageError) {
        if batch.producerEpoch < entry.producerEpoch {
            throw .invalidProducerEpoch(producerId: batch.producerId, epoch: batch.producerEpoch, currentEpoch: entry.producerEpoch)
        }
    }

    static func checkSequence(_ batch: ProducerBatch, current: ProducerStateEntry, updated: ProducerStateEntry) throws(LogStorageError) {
        if batch.producerEpoch != updated.producerEpoch {
            if batch.firstSequence != 0, updated.producerEpoch != ProducerStateEntry.noEpoch {
                throw .outOfOrderSequence(
                    producerId: batch.producerId, epoch: batch.producerEpoch, firstSequence: batch.firstSequence,
                    lastSequence: updated.lastSequence)
            }
            return
        }
        let lastSequence: Int32
        if !updated.batches.isEmpty {
            lastSequence = updated.lastSequence
        } else if batch.producerEpoch == current.producerEpoch {
            lastSequence = current.lastSequence
        } else {
            lastSequence = -1
        }
        if current.producerEpoch != ProducerStateEntry.noEpoch, !inSequence(last: lastSequence, next: batch.firstSequence) {
            throw .outOfOrderSequence(
                producerId: batch.producerId, epoch: batch.producerEpoch, firstSequence: batch.firstSequence,
                lastSequence: lastSequence)
        }
    }

    /// `next` follows `last`, wrapping after Int32.max.
    static func inSequence(last: Int32, next: Int32) -> Bool {
        Int64(next) == Int64(last) + 1 || (next == 0 && last == .max)
    }
}

/// The producer entries an accepted append will leave behind, committed after the write.
public struct ProducerStateUpdate: Sendable, Hashable {
    /// Per producer: the epoch after the append, and the batches this append adds.
    public internal(set) var entries: [Int64: ProducerStateEntry] = [:]
}
