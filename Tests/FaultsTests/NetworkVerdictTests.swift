import Testing

@testable import Faults

@Suite("Network verdicts: who is cut off, what is dropped, how late")
struct NetworkVerdictTests {
    /// A seeded generator (SplitMix64) so that drops and jitter replay.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func peersAndClientsAreToldApartByClientId() {
        #expect(PeerClientId.peerNode(of: PeerClientId.broker(2)) == 2)
        #expect(PeerClientId.peerNode(of: PeerClientId.replicaFetcher(3)) == 3)
        #expect(PeerClientId.peerNode(of: "rdkafka") == nil)
        #expect(PeerClientId.peerNode(of: "gregor-broker-x") == nil)
        #expect(PeerClientId.peerNode(of: nil) == nil)
    }

    @Test func isolationCutsOnlyWhomItNames() {
        var random = Seeded(state: 1)
        var settings = FaultSettings()
        settings.isolation = .init(peers: [2])
        #expect(settings.inbound(from: 2, using: &random) == .blackHole)
        #expect(settings.outbound(to: 2, using: &random) == .blackHole)
        #expect(settings.inbound(from: 3, using: &random) == .pass(delayMs: 0))
        #expect(settings.inbound(from: nil, using: &random) == .pass(delayMs: 0))
        settings.isolation = .init(clients: true)
        #expect(settings.inbound(from: nil, using: &random) == .blackHole)
        #expect(settings.inbound(from: 3, using: &random) == .pass(delayMs: 0))
        settings.isolation = .init(allPeers: true)
        #expect(settings.inbound(from: 7, using: &random) == .blackHole && settings.outbound(to: 7, using: &random) == .blackHole)
    }

    @Test func dropsTakeTheirShare() {
        var random = Seeded(state: 7)
        var settings = FaultSettings()
        settings.dropPercent = 25
        let verdicts = (0..<10_000).map { _ in settings.inbound(from: nil, using: &random) }
        let dropped = verdicts.filter { $0 == .reset }.count
        #expect((2_200...2_800).contains(dropped))
        settings.dropPercent = 0
        #expect((0..<1_000).allSatisfy { _ in settings.inbound(from: nil, using: &random) != .reset })
    }

    @Test func latencyPlusJitterStaysInItsRange() {
        var random = Seeded(state: 3)
        var settings = FaultSettings()
        settings.latencyMs = 50
        settings.jitterMs = 20
        var seen = Set<Int>()
        for _ in 0..<2_000 {
            guard case .pass(let delay) = settings.inbound(from: nil, using: &random) else { Issue.record("not passed"); return }
            #expect((50...70).contains(delay))
            seen.insert(delay)
        }
        #expect(seen.contains(50) && seen.contains(70))
        #expect(settings.outbound(to: 1, using: &random) != .pass(delayMs: 0))
    }
}
