import Testing

@testable import LogStorage

@Suite("Producer state (idempotence)")
struct ProducerStateTests {
    /// A batch of `records` records at `offset`.
    func batch(pid: Int64 = 7, epoch: Int16 = 0, sequence: Int32, records: Int32 = 1, offset: Int64) -> ProducerBatch {
        let last = Int32(truncatingIfNeeded: (Int64(sequence) + Int64(records - 1)) % (Int64(Int32.max) + 1))
        return ProducerBatch(
            producerId: pid, producerEpoch: epoch, firstSequence: sequence, lastSequence: last,
            firstOffset: offset, lastOffset: offset + Int64(records - 1), maxTimestamp: 1_000 + offset)
    }

    /// Checks and commits, as the log does after a successful write.
    func append(_ manager: inout ProducerStateManager, _ batch: ProducerBatch) throws -> ProducerStateManager.AppendCheck {
        let check = try manager.checkAppend([batch], origin: .client)
        if case .accepted(let update) = check { manager.commit(update) }
        return check
    }

    @Test("each of the last five batches is a duplicate answered with its original offsets")
    func duplicates() throws {
        var manager = ProducerStateManager()
        for index in 0..<6 {
            _ = try append(&manager, batch(sequence: Int32(index * 2), records: 2, offset: Int64(index * 2)))
        }
        #expect(manager.entry(for: 7)?.batches.count == 5)
        for index in 1..<6 {
            let retry = batch(sequence: Int32(index * 2), records: 2, offset: 999)
            let check = try manager.checkAppend([retry], origin: .client)
            guard case .duplicate(let original) = check else {
                Issue.record("batch \(index) not seen as a duplicate")
                continue
            }
            #expect(original.firstOffset == Int64(index * 2) && original.lastOffset == Int64(index * 2 + 1))
        }
        // The oldest batch fell out of the window: its retry is out of order, as in Kafka.
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(sequence: 0, records: 2, offset: 999)], origin: .client) }
        // A retry with a different range is not a duplicate.
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(sequence: 2, records: 3, offset: 999)], origin: .client) }
    }

    @Test("a gap or a repeat in sequences is out of order")
    func outOfOrder() throws {
        var manager = ProducerStateManager()
        _ = try append(&manager, batch(sequence: 0, records: 3, offset: 0))
        #expect(throws: LogStorageError.outOfOrderSequence(producerId: 7, epoch: 0, firstSequence: 4, lastSequence: 2)) {
            try manager.checkAppend([batch(sequence: 4, offset: 3)], origin: .client)
        }
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(sequence: 2, offset: 3)], origin: .client) }
        guard case .accepted = try append(&manager, batch(sequence: 3, offset: 3)) else {
            Issue.record("in-sequence batch refused")
            return
        }
        #expect(manager.entry(for: 7)?.lastSequence == 3)
    }

    @Test("an older epoch is fenced; a newer epoch must start at sequence 0")
    func epochs() throws {
        var manager = ProducerStateManager()
        _ = try append(&manager, batch(epoch: 3, sequence: 0, records: 5, offset: 0))
        #expect(throws: LogStorageError.invalidProducerEpoch(producerId: 7, epoch: 2, currentEpoch: 3)) {
            try manager.checkAppend([batch(epoch: 2, sequence: 5, offset: 5)], origin: .client)
        }
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(epoch: 4, sequence: 5, offset: 5)], origin: .client) }
        _ = try append(&manager, batch(epoch: 4, sequence: 0, offset: 5))
        #expect(manager.entry(for: 7)?.producerEpoch == 4)
        #expect(manager.entry(for: 7)?.batches.count == 1)  // the old epoch's batches are forgotten
        // A retry from the old epoch is not a duplicate any more: it is fenced.
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(epoch: 3, sequence: 0, records: 5, offset: 9)], origin: .client) }
    }

    @Test("an unknown producer may start at any sequence (Kafka 3.8, KIP-360)")
    func unknownProducer() throws {
        var manager = ProducerStateManager()
        guard case .accepted = try append(&manager, batch(pid: 42, sequence: 17, offset: 0)) else {
            Issue.record("refused")
            return
        }
        #expect(throws: LogStorageError.self) { try manager.checkAppend([batch(pid: 42, sequence: 19, offset: 1)], origin: .client) }
    }

    @Test("sequences wrap from Int32.max to 0")
    func wrap() throws {
        var manager = ProducerStateManager()
        let nearEnd = batch(sequence: Int32.max - 1, records: 2, offset: 0)
        #expect(nearEnd.lastSequence == Int32.max)
        _ = try append(&manager, nearEnd)
        guard case .accepted = try append(&manager, batch(sequence: 0, records: 2, offset: 2)) else {
            Issue.record("wrapped sequence refused")
            return
        }
        let across = batch(sequence: Int32.max, records: 3, offset: 4)
        #expect(across.lastSequence == 1)
        #expect(throws: LogStorageError.self) { try manager.checkAppend([across], origin: .client) }
        #expect(ProducerStateManager.inSequence(last: .max, next: 0))
        #expect(!ProducerStateManager.inSequence(last: .max, next: 1))
    }

    @Test("several batches of one producer in one append are checked against each other")
    func multipleBatches() throws {
        var manager = ProducerStateManager()
        let check = try manager.checkAppend([batch(sequence: 0, records: 2, offset: 0), batch(sequence: 2, offset: 2)], origin: .client)
        guard case .accepted(let update) = check else {
            Issue.record("refused")
            return
        }
        manager.commit(update)
        #expect(manager.entry(for: 7)?.batches.map(\.firstOffset) == [0, 2])
        #expect(throws: LogStorageError.self) {
            try manager.checkAppend([batch(sequence: 3, offset: 3), batch(sequence: 5, offset: 4)], origin: .client)
        }
        #expect(manager.entry(for: 7)?.lastSequence == 2)  // nothing committed by a refused append
    }

    @Test("replication takes the leader's batches without checks")
    func replication() throws {
        var manager = ProducerStateManager()
        manager.replay(batch(epoch: 5, sequence: 10, offset: 0))
        manager.replay(batch(epoch: 2, sequence: 99, offset: 1))
        #expect(manager.entry(for: 7)?.producerEpoch == 2)
        #expect(manager.entry(for: 7)?.lastSequence == 99)
        manager.replay(batch(pid: -1, sequence: -1, offset: 2))
        #expect(manager.producers.count == 1)
    }

    @Test("idle producers expire")
    func expiry() throws {
        var manager = ProducerStateManager()
        _ = try append(&manager, batch(pid: 1, sequence: 0, offset: 0))  // timestamp 1000
        _ = try append(&manager, batch(pid: 2, sequence: 0, offset: 5_000))  // timestamp 6000
        manager.removeExpiredProducers(now: 7_000, expirationMs: 5_000)
        #expect(manager.entry(for: 1) == nil)
        #expect(manager.entry(for: 2) != nil)
    }
}
