import NIOCore
import NIOPosix
import Testing

@testable import Broker

/// The probe tells a port nothing listens on (refused) from one a process listens on. The test allows
/// 10 s for each connect (the broker allows 1 s): a busy machine can starve the event loop long enough
/// for a short timeout to win, which the probe rightly reports as "not refused".
@Suite struct LivenessProbeTests {
    @Test func aClosedPortIsRefusedAndAListeningOneIsNot() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port, timeout: .seconds(10)) == false)
        try await server.close()
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port, timeout: .seconds(10)) == true)
    }
}
