/// An in-memory network for deterministic simulations: every message sent gets a delivery time from
/// the seeded random source, and may be dropped, duplicated or held by a partition between two nodes.
/// Delivery order is by time, then by send order, so a seed replays exactly.
public struct SimulatedNetwork<Message: Sendable>: Sendable {
    /// One message on its way.
    public struct Envelope: Sendable {
        public var from: Int32
        public var to: Int32
        public var message: Message
        public var deliverAt: Int64
    }

    /// How unreliable the network is.
    public struct Faults: Sendable {
        public var dropRate = 0.0
        public var duplicateRate = 0.0
        public var minDelayMs: Int64 = 1
        public var maxDelayMs: Int64 = 10

        public init(dropRate: Double = 0, duplicateRate: Double = 0, minDelayMs: Int64 = 1, maxDelayMs: Int64 = 10) {
            self.dropRate = dropRate
            self.duplicateRate = duplicateRate
            self.minDelayMs = minDelayMs
            self.maxDelayMs = maxDelayMs
        }
    }

    public var faults: Faults
    private var inFlight: [Envelope] = []
    /// Nodes cut off from everyone else: nothing is delivered to or from them.
    public private(set) var isolated: Set<Int32> = []
    public private(set) var sent = 0
    public private(set) var dropped = 0

    public init(faults: Faults = Faults()) { self.faults = faults }

    public mutating func send(from: Int32, to: Int32, _ message: Message, now: Int64, random: inout SeededRandom) {
        sent += 1
        if random.chance(faults.dropRate) {
            dropped += 1
            return
        }
        let copies = random.chance(faults.duplicateRate) ? 2 : 1
        for _ in 0..<copies {
            let delay = Int64.random(in: faults.minDelayMs...max(faults.minDelayMs, faults.maxDelayMs), using: &random)
            let envelope = Envelope(from: from, to: to, message: message, deliverAt: now + delay)
            // Kept sorted by delivery time, then send order: later sends go after equal times.
            var low = 0
            var high = inFlight.count
            while low < high {
                let mid = (low + high) / 2
                if inFlight[mid].deliverAt <= envelope.deliverAt { low = mid + 1 } else { high = mid }
            }
            inFlight.insert(envelope, at: low)
        }
    }

    public mutating func isolate(_ node: Int32) { isolated.insert(node) }
    public mutating func heal(_ node: Int32) { isolated.remove(node) }
    public mutating func healAll() { isolated.removeAll() }

    /// Forgets every message to or from `node` (it crashed: its sockets are gone).
    public mutating func dropAll(involving node: Int32) {
        inFlight.removeAll { $0.from == node || $0.to == node }
    }

    /// The time of the next delivery, if any.
    public var nextDeliveryTime: Int64? { inFlight.first?.deliverAt }

    /// Removes and returns the messages due by `now`, in delivery order; those crossing an isolation
    /// boundary are lost.
    public mutating func deliverable(now: Int64) -> [Envelope] {
        let count = inFlight.prefix { $0.deliverAt <= now }.count
        guard count > 0 else { return [] }
        let due = Array(inFlight[..<count])
        inFlight.removeFirst(count)
        return due.filter { !isolated.contains($0.from) && !isolated.contains($0.to) }
    }
}
