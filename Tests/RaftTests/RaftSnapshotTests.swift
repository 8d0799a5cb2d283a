import NIOCore
import Simulation
import Testing

@testable import Raft

/// Snapshots by hand (KIP-630): only committed entries are snapshotted, a fetch below the leader's
/// snapshot is told to download it, the download goes in chunks and replaces the follower's log, and a
/// snapshot the leader replaced sends the follower back to fetching.
@Suite("Raft snapshots")
struct RaftSnapshotTests {
    let voters: [Int32] = [1, 2, 3]

    func configuration() -> RaftConfiguration {
        var configuration = RaftConfiguration(voters: voters)
        configuration.maxSnapshotChunkBytes = 4
        return configuration
    }

    func value(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// Node 1, leader of epoch 1, with "a" and "b" appended after its LeaderChange and committed by
    /// node 2's fetch: its high watermark is 3.
    func leaderWithCommittedEntries(_ log: InMemoryRaftLog) -> RaftNode {
        let leader = RaftNode(nodeId: 1, configuration: configuration(), log: log, stored: nil, now: 0, random: SeededRandom(seed: 7))
        _ = leader.poll(now: 5000)
        _ = leader.handle(.voteResponse(.init(error: .none, leaderEpoch: 1, leaderId: -1, voteGranted: true)), from: 2, now: 5001)
        _ = leader.append([value("a"), value("b")], now: 5002)
        _ = leader.handle(.fetchRequest(.init(replicaId: 2, currentLeaderEpoch: 1, fetchOffset: 3, lastFetchedEpoch: 1)), from: 2, now: 5003)
        return leader
    }

    /// Delivers messages between the two nodes until none is left; returns every message sent.
    @discardableResult
    func pump(_ first: RaftOutput, from: Int32, nodes: [Int32: RaftNode], now: Int64, intercept: (RaftMessage) -> RaftMessage? = { $0 }) -> [RaftMessage] {
        var queue = first.messages.map { (from: from, to: $0.to, message: $0.message) }
        var seen: [RaftMessage] = []
        while !queue.isEmpty, seen.count < 100 {
            let next = queue.removeFirst()
            guard let node = nodes[next.to], let message = intercept(next.message) else { continue }
            seen.append(message)
            queue += node.handle(message, from: next.from, now: now).messages.map { (from: next.to, to: $0.to, message: $0.message) }
        }
        return seen
    }

    @Test func onlyCommittedEntriesAreSnapshotted() {
        let log = InMemoryRaftLog()
        let leader = leaderWithCommittedEntries(log)
        #expect(leader.highWatermark == 3)
        _ = leader.append([value("c")], now: 5004)
        #expect(leader.takeSnapshot(at: 4, contents: value("x")) == nil)
        #expect(leader.takeSnapshot(at: 3, contents: value("abc")) == OffsetAndEpoch(offset: 3, epoch: 1))
        #expect(log.startOffset == 3)
        #expect(log.held.count == 1)
        #expect(leader.takeSnapshot(at: 3, contents: value("abc")) == nil)  // nothing new
    }

    @Test func aFollowerBelowTheSnapshotDownloadsItInChunks() {
        let leaderLog = InMemoryRaftLog()
        let leader = leaderWithCommittedEntries(leaderLog)
        leader.takeSnapshot(at: 3, contents: value("0123456789"))
        let followerLog = InMemoryRaftLog()
        let follower = RaftNode(nodeId: 3, configuration: configuration(), log: followerLog, stored: nil, now: 0, random: SeededRandom(seed: 8))
        let announced = follower.handle(.beginQuorumEpochRequest(.init(leaderEpoch: 1, leaderId: 1)), from: 1, now: 5005)
        let messages = pump(announced, from: 3, nodes: [1: leader, 3: follower], now: 5005)

        let toldToDownload = messages.contains { if case .fetchResponse(let r) = $0 { r.snapshotId == OffsetAndEpoch(offset: 3, epoch: 1) } else { false } }
        #expect(toldToDownload)
        let chunks = messages.compactMap { if case .fetchSnapshotRequest(let r) = $0 { r.position } else { nil } }
        #expect(chunks == [0, 4, 8])
        #expect(followerLog.installs == 1)
        #expect(followerLog.startOffset == 3)
        #expect(followerLog.snapshot.map { String(buffer: $0.contents) } == "0123456789")
        #expect(follower.highWatermark == 3)
        #expect(followerLog.lastEpoch == 1)
    }

    @Test func aReplacedSnapshotSendsTheFollowerBackToFetching() {
        let leaderLog = InMemoryRaftLog()
        let leader = leaderWithCommittedEntries(leaderLog)
        leader.takeSnapshot(at: 2, contents: value("old snapshot"))
        let followerLog = InMemoryRaftLog()
        let follower = RaftNode(nodeId: 3, configuration: configuration(), log: followerLog, stored: nil, now: 0, random: SeededRandom(seed: 8))
        let announced = follower.handle(.beginQuorumEpochRequest(.init(leaderEpoch: 1, leaderId: 1)), from: 1, now: 5005)
        var replaced = false
        let messages = pump(announced, from: 3, nodes: [1: leader, 3: follower], now: 5005) { message in
            // After the first chunk, the leader snapshots further; the old one is gone.
            if case .fetchSnapshotRequest(let r) = message, r.position == 4, !replaced {
                replaced = true
                leader.takeSnapshot(at: 3, contents: value("new"))
            }
            return message
        }
        let notFound = messages.contains { if case .fetchSnapshotResponse(let r) = $0 { r.error == .snapshotNotFound } else { false } }
        #expect(notFound)
        #expect(follower.highWatermark == 3)
        #expect(followerLog.installs == 1)
        #expect(followerLog.snapshot.map { String(buffer: $0.contents) } == "new")
    }
}
