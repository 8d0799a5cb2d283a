import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

@testable import KafkaClient

@Suite("Connection: negotiation, pipelining, timeouts, loss", .timeLimit(.minutes(1)))
struct ConnectionTests {
    func connect(_ cluster: FakeCluster, requestTimeout: Duration = .seconds(5)) async throws -> BrokerConnection {
        let configuration = try testConfiguration(cluster.bootstrap, requestTimeout: requestTimeout)
        return try await BrokerConnection.connect(to: configuration.bootstrapServers[0], configuration: configuration)
    }

    @Test func firstRequestIsApiVersionsV3WithSoftwareName() async throws {
        try await withFakeCluster { cluster in
            let connection = try await connect(cluster)
            defer { connection.closeNow() }
            let requests = cluster.state.withLock { $0.received }
            #expect(requests.first?.apiKey == .apiVersions)
            #expect(requests.first?.version == 3)
            let body = try #require(requests.first).decode(ApiVersionsRequest.self)
            #expect(body.clientSoftwareName == "gregor")
            #expect(connection.versions.highestCommonVersion(.produce) == 11)
            #expect(connection.versions.highestCommonVersion(.fetch) == 16)
        }
    }

    @Test func unsupportedApiVersionsFallsBackToBrokersHighest() async throws {
        try await withFakeCluster { cluster in
            cluster.state.withLock { $0.apiRanges[.apiVersions] = 0...2 }
            let connection = try await connect(cluster)
            defer { connection.closeNow() }
            #expect(cluster.received(.apiVersions).map(\.version) == [3, 2])
            #expect(connection.versions.highestCommonVersion(.metadata) == 12)
        }
    }

    @Test func everyRequestUsesHighestCommonVersion() async throws {
        try await withFakeCluster { cluster in
            cluster.state.withLock {
                $0.apiRanges[.metadata] = 0...8
                $0.apiRanges[.produce] = 0...2
            }
            let connection = try await connect(cluster)
            defer { connection.closeNow() }
            _ = try await connection.send(MetadataRequest())
            #expect(cluster.received(.metadata).map(\.version) == [8])
            let error = await clientError { _ = try connection.version(.produce) }
            #expect(error?.code == .unsupportedVersion)
        }
    }

    @Test func pipelinedRequestsMatchTheirResponses() async throws {
        try await withFakeCluster { cluster in
            cluster.createTopic("t", partitions: 1)
            // Delay every other answer: responses still leave in order, and each finds its request.
            cluster.addHook { frame, _ in
                guard frame.apiKey == .metadata, frame.correlationId % 2 == 0 else { return nil }
                return .delayed(.milliseconds(5), (try? cluster.metadata(frame)) ?? .close)
            }
            let connection = try await connect(cluster)
            defer { connection.closeNow() }
            // Each request names its own topic; each answer must echo the name its request asked for.
            let pairs = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let name = "topic-\(index)"
                        let response = try await connection.send(MetadataRequest(topics: [.init(name: name)]))
                        return (name, response.topics.first?.name)
                    }
                }
                return try await group.reduce(into: [(String, String?)]()) { $0.append($1) }
            }
            #expect(pairs.count == 50)
            #expect(pairs.allSatisfy { $0.0 == $0.1 })
            let ids = cluster.received(.metadata).map(\.correlationId)
            #expect(Set(ids).count == 50)
        }
    }

    @Test func correlationMismatchFailsLoudlyAndCloses() async throws {
        try await withFakeCluster { cluster in
            cluster.addHook { frame, _ in
                guard frame.apiKey == .metadata else { return nil }
                var wrong = ByteBuffer()
                wrong.writeInteger(Int32(4))
                wrong.writeInteger(frame.correlationId &+ 7)
                return .frame(wrong)
            }
            let connection = try await connect(cluster)
            let error = await clientError { _ = try await connection.send(MetadataRequest()) }
            #expect(error?.code == .correlationMismatch)
            #expect(await eventually { !connection.isActive })
        }
    }

    @Test func requestTimeoutFailsTheRequestAndTheConnection() async throws {
        try await withFakeCluster { cluster in
            cluster.addHook { frame, _ in frame.apiKey == .metadata ? FakeReply.none : nil }
            // The short timeout is the request's own, not the connection's: ApiVersions at connect must not
            // time out on a busy machine.
            let connection = try await connect(cluster)
            let clock = ContinuousClock()
            let start = clock.now
            async let second = clientError { _ = try await connection.send(MetadataRequest(), timeout: .seconds(20)) }
            let error = await clientError { _ = try await connection.send(MetadataRequest(), timeout: .milliseconds(200)) }
            #expect(error?.code == .requestTimedOut)
            #expect(clock.now - start < .seconds(15), "failed by its own timeout, not the other request's")
            #expect(await second?.code == .connectionClosed)
            #expect(await eventually { !connection.isActive })
        }
    }

    @Test func connectionLossFailsEveryPendingRequest() async throws {
        try await withFakeCluster { cluster in
            cluster.addHook { frame, _ in
                frame.apiKey == .metadata ? (frame.correlationId >= 3 ? .close : FakeReply.none) : nil
            }
            let connection = try await connect(cluster)
            let errors = await withTaskGroup(of: KafkaClientError?.self) { group in
                for _ in 0..<3 {
                    group.addTask { await clientError { _ = try await connection.send(MetadataRequest()) } }
                }
                return await group.reduce(into: [KafkaClientError?]()) { $0.append($1) }
            }
            #expect(errors.allSatisfy { $0?.code == .connectionClosed })
            let after = await clientError { _ = try await connection.send(MetadataRequest()) }
            #expect(after?.code == .connectionClosed)
        }
    }

    @Test func connectFailureIsClear() async throws {
        var configuration = try testConfiguration(["127.0.0.1:1"])
        configuration.connectTimeout = .seconds(1)
        let error = await clientError {
            _ = try await BrokerConnection.connect(to: configuration.bootstrapServers[0], configuration: configuration)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("127.0.0.1:1") == true)
    }

    @Test func addressesParse() throws {
        #expect(try BrokerAddress(parsing: "localhost:9093") == BrokerAddress(host: "localhost", port: 9093))
        #expect(try BrokerAddress(parsing: "[::1]:9094") == BrokerAddress(host: "::1", port: 9094))
        #expect(try BrokerAddress(parsing: "kafka") == BrokerAddress(host: "kafka", port: 9092))
        #expect(try BrokerAddress.parseList(["a:1,b:2", "c:3"]).count == 3)
        #expect(throws: KafkaClientError.self) { try BrokerAddress(parsing: "a:notaport") }
    }
}
