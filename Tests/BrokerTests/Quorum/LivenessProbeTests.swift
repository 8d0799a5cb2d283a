import NIOCore
import NIOPosix
import Testing

@testable import Broker

/// The probe tells a port nothing listens on (refused) from one a process listens on.
@Suite struct LivenessProbeTests {
    @Test func aClosedPortIsRefusedAndAListeningOneIsNot() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port) == false)
        try await server.close()
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port) == true)
    }
}
