import NIOCore
import Raft
import Simulation

/// A quorum of `RaftNode`s on a seeded, lossy in-memory network, with crashes and restarts, and the
/// invariants of KIP-595 checked after every step (as Kafka's `RaftEventSimulationTest` does):
/// at most one leader per epoch, committed entries never lost or changed, the high watermark never
/// moving back on a live node. A violation is recorded with the seed and the time, so the run replays.
/// Nodes take snapshots of their committed entries (KIP-630); a snapshot's contents are those entries,
/// so what a node holds can be compared whole (`materialized`).
final class RaftSimulation {
    struct Node {
        var raft: RaftNode?
        let log = InMemoryRaftLog()
        var stored: QuorumState?
        /// How far this node's log is known to agree with `committed`.
        var checkedUpTo: Int64 = 0
        var lastHighWatermark: Int64 = 0
    }

    let seed: UInt64
    let configuration: RaftConfiguration
    var random: SeededRandom
    var network: SimulatedNetwork<RaftMessage>
    var nodes: [Int32: Node] = [:]
    var now: Int64 = 0
    /// The committed prefix of the log, as the high watermarks revealed it.
    private(set) var committed: [RaftEntry] = []
    private(set) var leaders: [Int32: Int32] = [:]
    private(set) var violations: [String] = []
    private var nextValue = 0

    init(seed: UInt64, voters: [Int32], observers: [Int32] = [], faults: SimulatedNetwork<RaftMessage>.Faults) {
        self.seed = seed
        random = SeededRandom(seed: seed)
        network = SimulatedNetwork(faults: faults)
        var configuration = RaftConfiguration(voters: voters)
        configuration.requestTimeoutMs = 500
        // Small chunks, so a snapshot download takes many FetchSnapshot round trips.
        configuration.maxSnapshotChunkBytes = 256
        self.configuration = configuration
        ids = (voters + observers).sorted()
        for id in ids {
            nodes[id] = Node()
            start(id)
        }
    }

    /// Every node id, in order (set once: nodes come back, they are not added).
    private(set) var ids: [Int32] = []
    var live: [Int32] { ids.filter { nodes[$0]?.raft != nil } }
    var currentLeader: Int32? { live.filter { nodes[$0]!.raft!.isLeader }.max { nodes[$0]!.raft!.epoch < nodes[$1]!.raft!.epoch } }

    // MARK: Faults

    func start(_ id: Int32) {
        let node = nodes[id]!
        let raft = RaftNode(
            nodeId: id, configuration: configuration, log: node.log, stored: node.stored, now: now,
            random: SeededRandom(seed: random.next()))
        nodes[id]!.raft = raft
        nodes[id]!.lastHighWatermark = raft.highWatermark
        nodes[id]!.checkedUpTo = 0
        noteLeadership(id)
        verify(id)
    }

    func crash(_ id: Int32) {
        nodes[id]!.raft = nil
        network.dropAll(involving: id)
    }

    /// Every live node learns that `id` is gone, as a broker's liveness probe tells it.
    func reportUnreachable(_ id: Int32) {
        for other in live { apply(nodes[other]!.raft!.leaderUnreachable(id, now: now), from: other) }
    }

    // MARK: Running

    /// Runs until `end`: delivers messages, fires timers, and lets `events` inject faults and appends at
    /// random moments (about every `eventEveryMs`).
    func run(until end: Int64, eventEveryMs: Int64, events: (RaftSimulation) -> Void) {
        var nextEvent = now + Int64.random(in: 1...eventEveryMs, using: &random)
        while now < end, violations.isEmpty {
            var next = min(network.nextDeliveryTime ?? .max, nextEvent, end)
            for id in ids { if let raft = nodes[id]!.raft { next = min(next, raft.nextDeadline) } }
            now = max(now, next)
            for envelope in network.deliverable(now: now) {
                guard let raft = nodes[envelope.to]?.raft else { continue }
                apply(raft.handle(envelope.message, from: envelope.from, now: now), from: envelope.to)
            }
            for id in ids {
                if let raft = nodes[id]!.raft, raft.nextDeadline <= now { apply(raft.poll(now: now), from: id) }
            }
            if now >= nextEvent {
                events(self)
                nextEvent = now + Int64.random(in: 1...eventEveryMs, using: &random)
            }
        }
    }

    /// Appends a value on the current leader, if there is one.
    @discardableResult
    func appendOnLeader() -> Bool {
        guard let leader = currentLeader, let raft = nodes[leader]?.raft else { return false }
        var value = ByteBuffer()
        value.writeString("v\(nextValue)")
        nextValue += 1
        let (offset, output) = raft.append([value], now: now)
        apply(output, from: leader)
        return offset != nil
    }

    /// Node `id` snapshots everything below its high watermark, if it is live and has something new.
    func snapshot(on id: Int32) {
        guard let raft = nodes[id]?.raft else { return }
        let log = nodes[id]!.log
        let contents = SnapshotContents.encode(log.materialized.prefix(Int(raft.highWatermark)))
        raft.takeSnapshot(at: raft.highWatermark, contents: contents)
        verify(id)
    }

    func apply(_ output: RaftOutput, from id: Int32) {
        if let persist = output.persist { nodes[id]!.stored = persist }
        for (to, message) in output.messages { network.send(from: id, to: to, message, now: now, random: &random) }
        noteLeadership(id)
        verify(id)
    }

    // MARK: Invariants

    private func fail(_ message: String) { violations.append("seed \(seed) at \(now) ms: \(message)") }

    /// Election safety (one leader per epoch) and leader completeness (a new leader holds every entry
    /// committed so far).
    private func noteLeadership(_ id: Int32) {
        guard let raft = nodes[id]?.raft, raft.isLeader else { return }
        if let other = leaders[raft.epoch] {
            if other != id { fail("two leaders in epoch \(raft.epoch): \(other) and \(id)") }
            return
        }
        leaders[raft.epoch] = id
        let log = nodes[id]!.log
        guard log.endOffset >= Int64(committed.count) else {
            return fail("leader \(id) of epoch \(raft.epoch) lacks committed entries (log ends at \(log.endOffset), \(committed.count) committed)")
        }
        let held = log.materialized
        for offset in 0..<committed.count where held[offset] != committed[offset] {
            return fail("leader \(id) of epoch \(raft.epoch) has \(held[offset]) at \(offset), committed was \(committed[offset])")
        }
    }

    /// Checks that node `id` agrees with the committed prefix below its high watermark (a lagging log may
    /// still hold stale entries above it), that the mark did not move back nor past the log end, and
    /// extends the committed prefix from it.
    func verify(_ id: Int32) {
        guard let raft = nodes[id]?.raft else { return }
        let log = nodes[id]!.log
        if let truncated = log.truncatedFrom {
            nodes[id]!.checkedUpTo = min(nodes[id]!.checkedUpTo, truncated)
            log.truncatedFrom = nil
            if truncated < raft.highWatermark { fail("node \(id) truncated to \(truncated), below its high watermark \(raft.highWatermark)") }
        }
        if raft.highWatermark > log.endOffset { return fail("node \(id): high watermark \(raft.highWatermark) past its log end \(log.endOffset)") }
        if raft.highWatermark < nodes[id]!.lastHighWatermark {
            fail("node \(id): high watermark moved back from \(nodes[id]!.lastHighWatermark) to \(raft.highWatermark)")
        }
        nodes[id]!.lastHighWatermark = raft.highWatermark
        if log.snapshotChanged, let snapshot = log.snapshot {
            // A snapshot is taken from, or sent by, a node whose committed entries were checked already.
            log.snapshotChanged = false
            let covered = SnapshotContents.decode(snapshot.contents)
            guard covered.count == Int(snapshot.id.offset), covered.count <= committed.count,
                covered == Array(committed.prefix(covered.count))
            else { return fail("node \(id)'s snapshot \(snapshot.id) does not hold the \(snapshot.id.offset) first committed entries") }
            if covered.last.map({ $0.epoch != snapshot.id.epoch }) ?? false { return fail("node \(id)'s snapshot \(snapshot.id) has the wrong epoch") }
        }
        let upTo = min(raft.highWatermark, Int64(committed.count))
        var offset = max(nodes[id]!.checkedUpTo, log.startOffset)
        while offset < upTo {
            if log.entry(at: offset) != committed[Int(offset)] {
                return fail("node \(id) has \(String(describing: log.entry(at: offset))) at \(offset) below its high watermark, committed was \(committed[Int(offset)])")
            }
            offset += 1
        }
        while Int64(committed.count) < raft.highWatermark {
            guard let entry = log.entry(at: Int64(committed.count)) else {
                return fail("node \(id)'s high watermark \(raft.highWatermark) covers offset \(committed.count), which it holds only in a snapshot never seen committed")
            }
            committed.append(entry)
        }
        nodes[id]!.checkedUpTo = max(nodes[id]!.checkedUpTo, raft.highWatermark)
    }
}

/// What a simulated state machine snapshots: the committed entries themselves, a line each, so a
/// snapshot can be checked against the entries it replaced.
enum SnapshotContents {
    static func encode<Entries: Sequence<RaftEntry>>(_ entries: Entries) -> ByteBuffer {
        var text = ""
        for entry in entries {
            switch entry.payload {
            case .data(let value): text += "\(entry.offset) \(entry.epoch) d \(String(buffer: value))\n"
            case .leaderChange(let leader, let voters): text += "\(entry.offset) \(entry.epoch) l \(leader) \(voters.map(String.init).joined(separator: ","))\n"
            }
        }
        return ByteBuffer(string: text)
    }

    static func decode(_ contents: ByteBuffer) -> [RaftEntry] {
        String(buffer: contents).split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            let payload: RaftEntry.Payload =
                fields[2] == "d"
                ? .data(ByteBuffer(string: fields[3]))
                : .leaderChange(leaderId: Int32(fields[3])!, voters: fields[4].split(separator: ",").map { Int32($0)! })
            return RaftEntry(offset: Int64(fields[0])!, epoch: Int32(fields[1])!, payload: payload)
        }
    }
}

extension InMemoryRaftLog {
    /// Every entry from offset 0: those the snapshot holds, then the log's.
    var materialized: [RaftEntry] { (snapshot.map { SnapshotContents.decode($0.contents) } ?? []) + held }
}
