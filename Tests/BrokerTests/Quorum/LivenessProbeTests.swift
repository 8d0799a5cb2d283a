import NIOCore
import NIOPosix
import Testing

@testable import Broker

/// The probe tells a port nothing listens on (refused) from one a process listens on. The test runs the
/// probe and the listener on an event loop of their own and allows 10 s a connect (the broker allows
/// 1 s): the tests beside it can keep the shared event loops busy long enough for the timeout to win,
/// which the probe rightly reports as "not refused".
@Suite struct LivenessProbeTests {
    @Test func aClosedPortIsRefusedAndAListeningOneIsNot() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port, timeout: .seconds(10), group: group) == false)
        try await server.close()
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port, timeout: .seconds(10), group: group) == true)
        try await group.shutdownGracefully()
    }
}
