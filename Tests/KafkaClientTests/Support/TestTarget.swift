import KafkaClient
import KafkaRecords

/// Where a scenario runs: the in-process fake cluster; a `gregor broker` process launched from the
/// binary built beside the tests; or a live broker (Gregor or Apache Kafka) named by the
/// `GREGOR_TEST_BOOTSTRAP` environment variable (`host:port`, loopback only). The same scenario code
/// runs against each. `GREGOR_TEST_NO_LAUNCH=1` skips the launched broker.
enum TestTarget: Sendable, CustomStringConvertible {
    case fake
    case launched
    case live(String)

    static var all: [TestTarget] {
        var targets: [TestTarget] = [.fake]
        if environment("GREGOR_TEST_NO_LAUNCH") != "1", LaunchedBroker.binary != nil { targets.append(.launched) }
        if let bootstrap = environment("GREGOR_TEST_BOOTSTRAP"), !bootstrap.isEmpty { targets.append(.live(bootstrap)) }
        return targets
    }

    var description: String {
        switch self {
        case .fake: "fake"
        case .launched: "gregor broker"
        case .live(let bootstrap): "live \(bootstrap)"
        }
    }

    /// Runs `body` with a cluster to talk to, cleaning up after it.
    func run(_ body: (ScenarioCluster) async throws -> Void) async throws {
        switch self {
        case .fake:
            try await withFakeCluster { fake in
                try await body(ScenarioCluster(bootstrap: fake.bootstrap, fake: fake))
            }
        case .launched:
            let broker = try await LaunchedBroker.launch()
            do {
                try await body(ScenarioCluster(bootstrap: [broker.bootstrap], fake: nil))
                broker.stop()
            } catch {
                broker.stop()
                throw error
            }
        case .live(let bootstrap):
            try await body(ScenarioCluster(bootstrap: [bootstrap], fake: nil))
        }
    }
}

/// The cluster a scenario sees: bootstrap servers and topic set-up that works on either target.
struct ScenarioCluster: Sendable {
    let bootstrap: [String]
    let fake: FakeCluster?

    func configuration() throws -> ClientConfiguration { try testConfiguration(bootstrap, requestTimeout: .seconds(15)) }

    /// A topic name no earlier run used.
    func uniqueTopic(_ prefix: String) -> String { "\(prefix)-\(UInt32.random(in: 0...UInt32.max))" }

    /// Creates a topic (with the admin API on a live broker) and waits until it has leaders.
    func createTopic(_ name: String, partitions: Int) async throws {
        if let fake {
            fake.createTopic(name, partitions: partitions)
            return
        }
        let admin = KafkaAdmin(clientConfiguration: try configuration())
        defer { Task { await admin.close() } }
        let result = try await admin.createTopics([NewTopic(name: name, partitions: Int32(partitions), replicationFactor: 1)])
        if let error = result.first?.error { throw error }
        _ = await eventually(timeout: .seconds(10)) {
            let described = try? await admin.describeTopics([name])
            return described?.first.map { $0.partitions.count == partitions && $0.partitions.allSatisfy(\.hasLeader) } ?? false
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
