import Controller
import KafkaProtocol
import Raft

extension BrokerConfig {
    /// `controller.quorum.voters`; without it this broker is a quorum of one, at its own address.
    var quorumVoters: QuorumVoters {
        get throws {
            let text = properties["controller.quorum.voters"] ?? ""
            let voters: QuorumVoters
            do {
                voters = try QuorumVoters.parse(text)
            } catch {
                throw BrokerConfigError.invalid("controller.quorum.voters: \(error)")
            }
            guard voters.voters.isEmpty else { return voters }
            return QuorumVoters([.init(id: nodeId, host: advertisedHost, port: advertisedPort)])
        }
    }

    /// The cluster id a new data directory is formatted with. Kafka has the operator pass one id to
    /// `kafka-storage format` on every node; Gregor formats itself, so the brokers of a quorum derive the
    /// same id from their common voter list, and a lone broker takes a random one.
    var newClusterId: String {
        get throws {
            guard let text = properties["controller.quorum.voters"], !text.isEmpty else { return KafkaUUID.random().base64 }
            let canonical = try quorumVoters.description
            func fnv1a(_ seed: UInt64) -> UInt64 {
                canonical.utf8.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
            }
            return KafkaUUID(high: fnv1a(0xcbf2_9ce4_8422_2325), low: fnv1a(0x8422_2325_cbf2_9ce4)).base64
        }
    }

    /// `metadata.log.max.record.bytes.between.snapshots`: committed metadata bytes that trigger a snapshot.
    var metadataSnapshotBytes: Int64 { number("metadata.log.max.record.bytes.between.snapshots") }
    /// `metadata.log.max.snapshot.interval.ms`: the longest time between snapshots while records commit.
    var metadataSnapshotIntervalMs: Int64 { number("metadata.log.max.snapshot.interval.ms") }
    /// `metadata.log.segment.bytes`: segment size of the metadata log.
    var metadataLogSegmentBytes: Int64 { number("metadata.log.segment.bytes") }

    /// The quorum's timing, from the `controller.quorum.*` configs (Kafka's defaults otherwise).
    func raftConfiguration(voters: QuorumVoters) -> RaftConfiguration {
        var configuration = RaftConfiguration(voters: voters.ids)
        func value(_ key: String) -> Int64? { properties[key].flatMap { Int64($0) } }
        configuration.electionTimeoutMs = value("controller.quorum.election.timeout.ms") ?? configuration.electionTimeoutMs
        configuration.fetchTimeoutMs = value("controller.quorum.fetch.timeout.ms") ?? configuration.fetchTimeoutMs
        configuration.requestTimeoutMs = value("controller.quorum.request.timeout.ms") ?? configuration.requestTimeoutMs
        return configuration
    }
}
