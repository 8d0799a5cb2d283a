import Foundation
import Testing

@testable import Faults

@Suite("Fault settings: JSON, validation, what fault list says")
struct FaultSettingsTests {
    @Test func fieldsLeftOutMeanNoFault() throws {
        let settings = try FaultSettingsFile.decode(Data(#"{"latencyMs": 40, "isolation": {"peers": [3, 1]}}"#.utf8))
        var expected = FaultSettings()
        expected.latencyMs = 40
        expected.isolation = .init(peers: [1, 3])
        #expect(settings == expected)
        #expect(try FaultSettingsFile.decode(Data("{}".utf8)).isEmpty)
    }

    @Test func jsonRoundTrips() throws {
        var settings = FaultSettings()
        settings.isolation = .init(allPeers: true, clients: true)
        settings.jitterMs = 5
        settings.dropPercent = 12.5
        settings.slowDiskMs = 20
        settings.diskFull = true
        #expect(try FaultSettingsFile.decode(FaultSettingsFile.encode(settings)) == settings)
    }

    @Test func nonsenseIsRefusedWithTheReason() {
        var settings = FaultSettings()
        settings.dropPercent = 150
        #expect(throws: FaultSettingsError.self) { try settings.validate() }
        #expect(throws: FaultSettingsError.self) { try FaultSettingsFile.decode(Data(#"{"latencyMs": -1}"#.utf8)) }
        #expect(throws: FaultSettingsError.self) { try FaultSettingsFile.decode(Data(#"{"slowDiskMs": 600000}"#.utf8)) }
        #expect(throws: (any Error).self) { try FaultSettingsFile.decode(Data("not json".utf8)) }
    }

    @Test func descriptionsNameEachActiveFault() {
        var settings = FaultSettings()
        #expect(settings.descriptions.isEmpty)
        settings.isolation = .init(peers: [1, 3], clients: true)
        settings.latencyMs = 30
        settings.jitterMs = 10
        settings.dropPercent = 20
        settings.slowDiskMs = 5
        settings.diskFull = true
        #expect(
            settings.descriptions == [
                "isolated from brokers 1, 3", "isolated from clients", "network latency 30 ms + up to 10 ms jitter",
                "drops 20% of requests", "slow disk: 5 ms per write and fsync", "disk full: writes fail with ENOSPC",
            ])
        settings.isolation = .init(allPeers: true)
        #expect(settings.descriptions.first == "isolated from every other broker")
    }

    @Test func healingNetworkKeepsDiskAndTheOtherWayRound() {
        var settings = FaultSettings()
        settings.isolation = .init(allPeers: true)
        settings.latencyMs = 10
        settings.diskFull = true
        var network = settings
        network.healNetwork()
        #expect(!network.hasNetworkFault && network.diskFull)
        var disk = settings
        disk.healDisk()
        #expect(disk.hasNetworkFault && !disk.diskFull)
    }

    @Test func theFileKeepsFaultsAndGoesAwayWhenHealed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try FaultSettingsFile.load(fromDataDirectory: directory).isEmpty)
        var settings = FaultSettings()
        settings.diskFull = true
        try FaultSettingsFile.save(settings, toDataDirectory: directory)
        #expect(try FaultSettingsFile.load(fromDataDirectory: directory) == settings)
        try FaultSettingsFile.save(FaultSettings(), toDataDirectory: directory)
        #expect(!FileManager.default.fileExists(atPath: FaultSettingsFile.path(inDataDirectory: directory)))
    }
}
