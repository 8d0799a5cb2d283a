import KafkaProtocol
import NIOCore
import Testing

@testable import Broker

/// ApiVersions and the router's handling of what it cannot serve.
@Suite struct ApiVersionsTests {
    @Test func advertisesExactlyTheRegisteredHandlers() async throws {
        let broker = try await TestBroker.start()
        let response = try await broker.send(ApiVersionsRequest(clientSoftwareName: "test", clientSoftwareVersion: "1.0"), version: 3)
        #expect(response.errorCode == 0)
        let advertised = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
        #expect(advertised[ApiKey.produce.rawValue] == 3...11)
        #expect(advertised[ApiKey.fetch.rawValue] == 4...16)
        #expect(advertised[ApiKey.metadata.rawValue] == 0...12)
        #expect(advertised[ApiKey.apiVersions.rawValue] == 0...3)
        #expect(advertised[ApiKey.findCoordinator.rawValue] == 0...5)
        #expect(advertised[ApiKey.joinGroup.rawValue] == 0...9)
        #expect(advertised[ApiKey.offsetCommit.rawValue] == 2...9)
        #expect(advertised[ApiKey.consumerGroupHeartbeat.rawValue] == nil, "KIP-848 groups are not implemented, so not advertised")
        #expect(advertised[ApiKey.consumerGroupDescribe.rawValue] == nil)
        #expect(response.apiKeys.map(\.apiKey) == response.apiKeys.map(\.apiKey).sorted())
    }

    @Test func unknownApiVersionsVersionGetsAV0AnswerWithTheRanges() async throws {
        let broker = try await TestBroker.start()
        var frame = ByteBuffer()
        frame.writeInteger(ApiKey.apiVersions.rawValue)
        frame.writeInteger(Int16(99))
        frame.writeInteger(Int32(42))
        frame.writeInteger(Int16(-1))  // null client id
        frame.writeInteger(UInt8(0))  // empty tagged fields
        guard case .respond(let writer) = await broker.route(frame) else {
            Issue.record("ApiVersions v99 must be answered")
            return
        }
        var bytes = writer.buffer
        bytes.moveReaderIndex(forwardBy: 4)
        let (correlationId, response) = try ApiVersionsResponse.decodeFrame(bytes, version: 0)
        #expect(correlationId == 42)
        #expect(ErrorCode(response.errorCode) == .unsupportedVersion)
        #expect(response.apiKeys.contains { $0.apiKey == ApiKey.apiVersions.rawValue && $0.maxVersion == 3 })
    }

    @Test func badSoftwareNamesAreInvalidRequests() async throws {
        let broker = try await TestBroker.start()
        let response = try await broker.send(ApiVersionsRequest(clientSoftwareName: "-bad", clientSoftwareVersion: "1"), version: 3)
        #expect(ErrorCode(response.errorCode) == .invalidRequest)
    }

    @Test func unsupportedVersionsAndKeysCloseTheConnection() async throws {
        let broker = try await TestBroker.start()
        await #expect(throws: TestBrokerError.self) { try await broker.send(ProduceRequest(), version: 2) }
        var unknown = ByteBuffer()
        unknown.writeInteger(Int16(1234))
        unknown.writeInteger(Int16(0))
        unknown.writeInteger(Int32(1))
        guard case .close = await broker.route(unknown) else {
            Issue.record("an unknown API key must close the connection")
            return
        }
        var garbage = ByteBuffer()
        garbage.writeInteger(ApiKey.metadata.rawValue)
        garbage.writeInteger(Int16(1))
        garbage.writeInteger(Int32(1))
        garbage.writeInteger(Int16(-1))
        garbage.writeInteger(Int32(1_000_000))  // a topic count far beyond the bytes
        guard case .close = await broker.route(garbage) else {
            Issue.record("an undecodable body must close the connection")
            return
        }
    }
}
