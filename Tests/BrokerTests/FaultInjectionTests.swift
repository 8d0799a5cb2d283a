import Faults
import Foundation
import KafkaProtocol
import KafkaRecords
import LogStorage
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Broker

/// The broker's fault seams over an in-memory file system: what a request meets when the network or
/// the disk is made to fail (`gregor broker --faults`).
@Suite("Fault injection: isolation, drops, latency, full and slow disks")
struct FaultInjectionTests {
    let faults = BrokerFaults(logger: Logger(label: "test-faults"))
    let failures = FailedWrites()

    func broker() async throws -> TestBroker {
        let failures = self.failures
        let broker = try await TestBroker.start(faults: faults) { error in failures.add(error) }
        try await broker.createTopic("orders")
        return broker
    }

    func set(_ change: (inout FaultSettings) -> Void) throws {
        var settings = faults.current
        change(&settings)
        try faults.update(settings)
    }

    @Test func aFullDiskAnswersKafkaStorageErrorAndReportsTheFailedWrite() async throws {
        let broker = try await broker()
        #expect(try await broker.produce("orders", batch: makeBatch(count: 2), acks: 1).errorCode == 0)
        try set { $0.diskFull = true }
        let refused = try await broker.produce("orders", batch: makeBatch(count: 2), acks: 1)
        #expect(refused.errorCode == ErrorCode.kafkaStorageError.rawValue)
        #expect(!failures.all.isEmpty)
        guard case .io(let operation, _, let errno)? = failures.all.first else {
            Issue.record("no I/O failure reported")
            return
        }
        #expect(operation == "write" && errno == ENOSPC)
        let read = try await broker.fetch("orders", offset: 0)
        #expect(try read.decodedRecords().count == 2, "what was written before stays readable")
    }

    @Test func aSlowDiskDelaysEachWrite() async throws {
        let broker = try await broker()
        try set { $0.slowDiskMs = 60 }
        let started = ContinuousClock.now
        #expect(try await broker.produce("orders", batch: makeBatch(count: 1), acks: 1).errorCode == 0)
        #expect(ContinuousClock.now - started >= .milliseconds(60))
    }

    @Test func latencyDelaysTheAnswer() async throws {
        let broker = try await broker()
        try set { $0.latencyMs = 120 }
        let started = ContinuousClock.now
        _ = try await broker.send(MetadataRequest(topics: []))
        #expect(ContinuousClock.now - started >= .milliseconds(120))
    }

    @Test func aDroppedRequestClosesItsConnectionUnanswered() async throws {
        let broker = try await broker()
        try set { $0.dropPercent = 100 }
        await #expect(throws: TestBrokerError.self) { _ = try await broker.send(MetadataRequest(topics: [])) }
        try set { $0.dropPercent = 0 }
        _ = try await broker.send(MetadataRequest(topics: []))
    }

    @Test func anIsolatedPeerIsNeverAnsweredWhileOthersAre() async throws {
        let broker = try await broker()
        try set { $0.isolation = .init(peers: [2]) }
        _ = try await broker.send(MetadataRequest(topics: []), clientId: PeerClientId.broker(3))
        _ = try await broker.send(MetadataRequest(topics: []))
        // Broker 2's request gets no answer until the cut heals; then its connection is closed, as
        // the sender would have timed out by then.
        let faults = self.faults
        let healer = Task {
            try await Task.sleep(for: .milliseconds(300))
            try faults.update(FaultSettings())
        }
        let started = ContinuousClock.now
        await #expect(throws: TestBrokerError.self) {
            _ = try await broker.send(MetadataRequest(topics: []), clientId: PeerClientId.replicaFetcher(2))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        try await healer.value
        _ = try await broker.send(MetadataRequest(topics: []), clientId: PeerClientId.replicaFetcher(2))
    }

    @Test func clientsCanBeCutOffWhilePeersStillGetAnswers() async throws {
        let broker = try await broker()
        try set { $0.isolation = .init(clients: true) }
        _ = try await broker.send(MetadataRequest(topics: []), clientId: PeerClientId.broker(2))
        let frame = try KafkaFrameEncoder.request(MetadataRequest(topics: []), version: 12, correlationId: 1, clientId: "rdkafka")
        let outcome = Task { await broker.route(frame.droppingSizePrefix()) }
        try await Task.sleep(for: .milliseconds(200))
        try set { $0.isolation = .init() }
        guard case .close = await outcome.value else {
            Issue.record("a client's request across the cut was answered")
            return
        }
    }

    @Test func outboundRequestsToACutPeerTimeOut() async throws {
        try set { $0.isolation = .init(peers: [3]) }
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await faults.admitOutbound(to: 3, timeout: .milliseconds(200)) }
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        try await faults.admitOutbound(to: 2, timeout: .milliseconds(200))
    }
}

/// The failed writes a broker reported, where the process would have halted.
final class FailedWrites: Sendable {
    private let errors = Mutex<[LogStorageError]>([])
    func add(_ error: LogStorageError) { errors.withLock { $0.append(error) } }
    var all: [LogStorageError] { errors.withLock { $0 } }
}

extension ByteBuffer {
    /// The frame without its 4-byte size, as the router takes it.
    fileprivate func droppingSizePrefix() -> ByteBuffer {
        var copy = self
        copy.moveReaderIndex(forwardBy: 4)
        return copy
    }
}
