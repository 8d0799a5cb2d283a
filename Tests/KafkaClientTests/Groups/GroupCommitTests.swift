import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

@Suite("Consumer groups: commits, resume, coordinator moves, failures", .timeLimit(.minutes(1)))
struct GroupCommitTests {
    let tp0 = TopicPartition("events", 0)
    let tp1 = TopicPartition("events", 1)

    func consumer(_ cluster: FakeCluster, _ configuration: ConsumerConfiguration) throws -> KafkaConsumer {
        KafkaConsumer(clientConfiguration: try testConfiguration(cluster.bootstrap), configuration: configuration)
    }

    @Test func autoCommitOnCloseAndResumeFromCommittedOffsets() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 2)
            cluster.append(tp0, values: ["a", "b", "c"])
            cluster.append(tp1, values: ["d", "e"])
            let first = PollLoop.start(try consumer(cluster, groupConfiguration("resume")))
            try await first.consumer.subscribe(topics: ["events"])
            #expect(await eventually { first.received.count == 5 })
            await first.close()
            let committed = cluster.groups.state.withLock { $0.groups["resume"]?.offsets.mapValues(\.offset) }
            #expect(committed == [tp0: 3, tp1: 2])

            cluster.append(tp0, values: ["f"])
            cluster.append(tp1, values: ["g"])
            let second = PollLoop.start(try consumer(cluster, groupConfiguration("resume") { $0.autoOffsetReset = .earliest }))
            try await second.consumer.subscribe(topics: ["events"])
            #expect(await eventually { second.received.count == 2 })
            try await Task.sleep(for: .milliseconds(200))
            #expect(Set(second.values) == ["f", "g"])  // nothing reread, nothing skipped
            await second.close()
        }
    }

    @Test func autoCommitRunsOnTheInterval() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp0, values: ["a", "b"])
            let loop = PollLoop.start(try consumer(cluster, groupConfiguration("interval") { $0.autoCommitInterval = .milliseconds(100) }))
            try await loop.consumer.subscribe(topics: ["events"])
            #expect(await eventually {
                cluster.groups.state.withLock { $0.groups["interval"]?.offsets[tp0]?.offset } == 2
            })
            let commits = cluster.groups.state.withLock { $0.commits }
            #expect(commits.allSatisfy { $0.generation >= 1 && !$0.memberId.isEmpty })
            await loop.close()
        }
    }

    @Test func manualCommitAndCommittedOffsets() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 2)
            cluster.append(tp0, values: ["a", "b", "c"])
            let consumer = try consumer(cluster, groupConfiguration("manual") { $0.enableAutoCommit = false })
            try await consumer.subscribe(topics: ["events"])
            var records: [ConsumerRecord] = []
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while records.count < 3, clock.now < deadline { records += try await consumer.poll(timeout: .milliseconds(100)) }
            #expect(records.count == 3)
            #expect(try await consumer.committed([tp0, tp1]).isEmpty)
            try await consumer.commit()
            #expect(try await consumer.committed([tp0, tp1]) == [tp0: OffsetAndMetadata(offset: 3), tp1: OffsetAndMetadata(offset: 0)])
            try await consumer.commit(offsets: [tp0: OffsetAndMetadata(offset: 1, metadata: "replay")])
            let committed = try await consumer.committed([tp0])
            #expect(committed[tp0]?.offset == 1)
            #expect(committed[tp0]?.metadata == "replay")
            await consumer.close()
            // enable.auto.commit=false: close commits nothing.
            #expect(cluster.groups.state.withLock { $0.groups["manual"]?.offsets[tp0]?.offset } == 1)
        }
    }

    @Test func commitInTheRevokedCallbackHandsOverExactly() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 2)
            for i in 0..<10 { cluster.append(i % 2 == 0 ? tp0 : tp1, values: ["v\(i)"]) }
            let noAuto = groupConfiguration("handover") { $0.enableAutoCommit = false }
            let a = PollLoop.start(try consumer(cluster, noAuto))
            try await a.consumer.subscribe(topics: ["events"], listener: ListenerLog(commitOnRevoke: true))
            #expect(await eventually { a.received.count == 10 })
            let b = PollLoop.start(try consumer(cluster, noAuto))
            try await b.consumer.subscribe(topics: ["events"], listener: ListenerLog(commitOnRevoke: true))
            _ = try #require(await settledAssignments([a.consumer, b.consumer], partitions: cluster.partitions("events", 2)))
            for i in 10..<14 { cluster.append(i % 2 == 0 ? tp0 : tp1, values: ["v\(i)"]) }
            #expect(await eventually { a.received.count + b.received.count == 14 })
            try await Task.sleep(for: .milliseconds(200))
            #expect((a.values + b.values).sorted() == (0..<14).map { "v\($0)" }.sorted())  // each record exactly once
            await a.close()
            await b.close()
        }
    }

    @Test func commitAfterTheGroupMovedOnFailsAndTheMemberRejoinsWithLostPartitions() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            let log = ListenerLog()
            let consumer = try consumer(cluster, groupConfiguration("fenced-generation") { $0.enableAutoCommit = false })
            try await consumer.subscribe(topics: ["events"], listener: log)
            _ = try await pollUntilAssigned(consumer, count: 1)
            let injected = AtomicFlag()
            cluster.addHook { frame, _ in
                guard frame.apiKey == .offsetCommit, injected.setOnce() else { return nil }
                return try? cluster.groups.errorReply(frame, .illegalGeneration)
            }
            // Explicit offsets: the consumed position may not be known yet when the first poll returns
            // (a busy machine), and `commit()` with no position sends nothing.
            let error = await clientError { try await consumer.commit(offsets: [tp0: OffsetAndMetadata(offset: 0)]) }
            #expect(error?.code == .commitFailed)
            #expect(error?.brokerError == .illegalGeneration)
            // The next poll rejoins: the partition is lost (not revoked), then assigned again.
            _ = try await pollUntilAssigned(consumer, count: 1, after: { log.all.count >= 3 })
            #expect(log.all == [.assigned([tp0]), .lost([tp0]), .assigned([tp0])])
            // ILLEGAL_GENERATION keeps the member id.
            let joins = cluster.joinRequests()
            #expect(joins.last?.memberId == joins[joins.count - 2].memberId)
            await consumer.close()
        }
    }

    @Test func coordinatorMovesAndTheMemberFollows() async throws {
        try await withFakeCluster(brokers: 2) { cluster in
            cluster.createTopic("events", partitions: 2)
            cluster.append(tp0, values: ["a"])
            let loop = PollLoop.start(try consumer(cluster, groupConfiguration("moving")))
            try await loop.consumer.subscribe(topics: ["events"])
            #expect(await eventually { loop.received.count == 1 })
            let generation = await loop.consumer.groupMetadata?.generationId
            cluster.groups.moveCoordinator(to: 1)
            // Heartbeats answer NOT_COORDINATOR on broker 0; the member finds broker 1 and carries on.
            #expect(await eventually { cluster.received(.heartbeat).contains { $0.broker == 1 } })
            #expect(cluster.received(.findCoordinator).count >= 2)
            #expect(await loop.consumer.groupMetadata?.generationId == generation)
            try await loop.consumer.commit()
            #expect(cluster.groups.state.withLock { $0.groups["moving"]?.offsets[tp0]?.offset } == 1)
            #expect(cluster.received(.offsetCommit).last?.broker == 1)
            await loop.close()
        }
    }

    @Test func unavailableAndLoadingCoordinatorsAreRetried() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            let findFailures = AtomicCounter()
            let joinFailures = AtomicCounter()
            cluster.addHook { frame, _ in
                if frame.apiKey == .findCoordinator, findFailures.increment() <= 2 {
                    var response = FindCoordinatorResponse()
                    let request = try? frame.decode(FindCoordinatorRequest.self)
                    response.coordinators = (request?.coordinatorKeys ?? []).map {
                        .init(key: $0, nodeId: -1, host: "", port: -1, errorCode: ErrorCode.coordinatorNotAvailable.rawValue, errorMessage: nil)
                    }
                    return .response(response, to: frame)
                }
                if frame.apiKey == .joinGroup, joinFailures.increment() <= 1 {
                    return try? cluster.groups.errorReply(frame, .coordinatorLoadInProgress)
                }
                return nil
            }
            let consumer = try consumer(cluster, groupConfiguration("retry"))
            try await consumer.subscribe(topics: ["events"])
            _ = try await pollUntilAssigned(consumer, count: 1)
            #expect(cluster.received(.findCoordinator).count >= 3)
            await consumer.close()
        }
    }

    @Test func pollTimeoutLeavesTheGroupAndTheNextPollRejoins() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            let log = ListenerLog()
            let consumer = try consumer(cluster, groupConfiguration("slow") { $0.maxPollInterval = .seconds(1) })
            try await consumer.subscribe(topics: ["events"], listener: log)
            _ = try await pollUntilAssigned(consumer, count: 1)
            #expect(await eventually(timeout: .seconds(3)) { !cluster.received(.leaveGroup).isEmpty })
            let leave = try cluster.received(.leaveGroup).first?.decode(LeaveGroupRequest.self)
            #expect(leave?.members.first?.reason?.contains("poll timeout") == true)
            _ = try await pollUntilAssigned(consumer, count: 1, after: { log.all.count >= 3 })
            // Only the first three: on a busy machine a later gap between polls may time out again.
            #expect(Array(log.all.prefix(3)) == [.assigned([tp0]), .lost([tp0]), .assigned([tp0])])
            await consumer.close()
        }
    }

    @Test func olderProtocolVersionsWork() async throws {
        try await withFakeCluster { cluster in
            cluster.state.withLock { state in
                state.apiRanges[.findCoordinator] = 0...3
                state.apiRanges[.joinGroup] = 0...3
                state.apiRanges[.syncGroup] = 0...2
                state.apiRanges[.heartbeat] = 0...2
                state.apiRanges[.leaveGroup] = 0...2
                state.apiRanges[.offsetCommit] = 2...6
                state.apiRanges[.offsetFetch] = 1...7
            }
            cluster.createTopic("events", partitions: 2)
            cluster.append(tp0, values: ["a", "b"])
            let first = PollLoop.start(try consumer(cluster, groupConfiguration("old")))
            try await first.consumer.subscribe(topics: ["events"])
            #expect(await eventually { first.received.count == 2 })
            await first.close()
            #expect(cluster.joinRequests().first?.memberId == "")  // v3: no MEMBER_ID_REQUIRED round
            #expect(cluster.received(.joinGroup).allSatisfy { $0.version == 3 })
            #expect(cluster.received(.offsetCommit).allSatisfy { $0.version == 6 })
            #expect(cluster.received(.leaveGroup).first?.version == 2)
            cluster.append(tp0, values: ["c"])
            let second = PollLoop.start(try consumer(cluster, groupConfiguration("old")))
            try await second.consumer.subscribe(topics: ["events"])
            #expect(await eventually { second.received.count == 1 })
            #expect(second.values == ["c"])
            #expect(cluster.received(.offsetFetch).allSatisfy { $0.version == 7 })
            await second.close()
        }
    }

    @Test func manualAssignmentWithAGroupStartsAtCommittedOffsetsAndCommitsAsGenerationMinusOne() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("events", partitions: 1)
            cluster.append(tp0, values: ["a", "b", "c"])
            let admin = KafkaAdmin(clientConfiguration: try testConfiguration(cluster.bootstrap))
            _ = try await admin.alterGroupOffsets("simple", offsets: [tp0: OffsetAndMetadata(offset: 2)])
            let consumer = try consumer(cluster, groupConfiguration("simple") { $0.enableAutoCommit = false })
            await consumer.assign([tp0])
            let records = try await pollRecords(consumer, count: 1)
            #expect(records.map(\.offset) == [2])
            try await consumer.commit()
            let commit = try #require(try cluster.received(.offsetCommit).last?.decode(OffsetCommitRequest.self))
            #expect(commit.generationIdOrMemberEpoch == -1)
            #expect(commit.memberId == "")
            #expect(try await consumer.committed([tp0])[tp0]?.offset == 3)
            #expect(cluster.received(.joinGroup).isEmpty)
            await consumer.close()
            await admin.close()
        }
    }

    @Test func misuseIsReportedClearly() async throws {
        try await withFakeCluster { cluster in
            let noGroup = try consumer(cluster, ConsumerConfiguration())
            #expect(await clientError { try await noGroup.subscribe(topics: ["t"]) }?.code == .invalidArgument)
            #expect(await clientError { try await noGroup.commit() }?.code == .invalidArgument)
            await noGroup.close()
            let grouped = try consumer(cluster, groupConfiguration("misuse"))
            #expect(await clientError { try await grouped.subscribe(topics: []) }?.code == .invalidArgument)
            try await grouped.subscribe(topics: ["t"])
            await grouped.assign([TopicPartition("t", 0)])
            #expect(await clientError { _ = try await grouped.poll(timeout: .zero) }?.code == .invalidArgument)
            await grouped.close()
        }
    }

    func pollUntilAssigned(
        _ consumer: KafkaConsumer, count: Int, after condition: @Sendable () -> Bool = { true }
    ) async throws -> [ConsumerRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var records: [ConsumerRecord] = []
        while clock.now < deadline {
            records += try await consumer.poll(timeout: .milliseconds(50))
            if await consumer.assignment.count == count, condition() { return records }
        }
        Issue.record("not assigned \(count) partitions in time")
        return records
    }

    func pollRecords(_ consumer: KafkaConsumer, count: Int) async throws -> [ConsumerRecord] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        var records: [ConsumerRecord] = []
        while records.count < count, clock.now < deadline { records += try await consumer.poll(timeout: .milliseconds(100)) }
        return records
    }
}
