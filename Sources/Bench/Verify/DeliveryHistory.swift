/// Which record a bench producer sent: the producer's number and the record's place in its sequence
/// (0, 1, 2, ...). Every record a bench sends carries it, so what is read back can be matched to what
/// was sent and acknowledged.
public struct RecordId: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var producer: Int32
    public var sequence: Int64

    public init(producer: Int32, sequence: Int64) {
        self.producer = producer
        self.sequence = sequence
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.producer, lhs.sequence) < (rhs.producer, rhs.sequence) }

    public var description: String { "producer \(producer) record \(sequence)" }
}

/// A position in a topic: partition and offset.
public struct LogPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var partition: Int32
    public var offset: Int64

    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.partition, lhs.offset) < (rhs.partition, rhs.offset) }

    public var description: String { "\(partition)@\(offset)" }
}

/// What one bench run did and saw, the checker's input: how many records each producer sent (its
/// sequences 0..<n), which sends the cluster acknowledged (where, and when), which failed, and every
/// record read back afterwards.
public struct DeliveryHistory: Sendable {
    /// An acknowledged send: the record, where the cluster said it wrote it, and when (ms since the run began).
    public struct Acknowledgement: Sendable, Hashable {
        public var id: RecordId
        public var position: LogPosition
        public var timeMs: Int64

        public init(id: RecordId, position: LogPosition, timeMs: Int64) {
            self.id = id
            self.position = position
            self.timeMs = timeMs
        }
    }

    /// A record read back: where it was, and which record it says it is.
    public struct Observation: Sendable, Hashable {
        public var position: LogPosition
        public var id: RecordId

        public init(position: LogPosition, id: RecordId) {
            self.position = position
            self.id = id
        }
    }

    /// Records sent per producer: sequences 0..<count.
    public var sent: [Int32: Int64] = [:]
    public var acknowledged: [Acknowledgement] = []
    /// Sends the client reported as failed: not acknowledged, so finding them or not is no violation.
    public var failed: [RecordId] = []
    public var observed: [Observation] = []

    public init() {}

    public func wasSent(_ id: RecordId) -> Bool { id.sequence >= 0 && id.sequence < (sent[id.producer] ?? 0) }
}
