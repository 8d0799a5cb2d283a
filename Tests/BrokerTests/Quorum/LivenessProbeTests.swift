import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Broker

/// The probe tells a port nothing listens on (refused) from one a process listens on. The closed port
/// is held by a socket that is bound but not listening, so no other test can start listening on it
/// meanwhile (a port merely closed can be handed to another test's listener at once, which then does
/// not refuse).
@Suite struct LivenessProbeTests {
    @Test func aClosedPortIsRefusedAndAListeningOneIsNot() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: server.localAddress!.port!, timeout: .seconds(10)) == false)
        try await server.close()

        let held = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(held >= 0)
        defer { close(held) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(held, $0, length) == 0 && getsockname(held, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        #expect(await LivenessProbe.isRefused(host: "127.0.0.1", port: port, timeout: .seconds(10)) == true)
    }
}
