import NIOCore

/// The identity every bench record carries at the front of its value, so that a consumer can match
/// it to what was sent (the durability checker) and measure end-to-end latency (the send time).
///
/// Layout, big-endian, 28 bytes: the magic `GRB1`, the run id, the producer's number, the record's
/// sequence, and the time it was meant to be sent (ns since the Unix epoch; the intended time of a
/// paced run, so that latency includes any wait the cluster caused: coordinated omission corrected).
/// The rest of the value is padding of random capital letters, as Kafka's perf tools send.
public struct RecordStamp: Sendable, Hashable {
    public static let magic: UInt32 = 0x4752_4231  // "GRB1"
    public static let size = 28

    /// A run's random id: records of other runs in a reused topic are told apart and ignored.
    public var run: UInt32
    public var id: RecordId
    public var intendedSendNanos: Int64

    public init(run: UInt32, id: RecordId, intendedSendNanos: Int64) {
        self.run = run
        self.id = id
        self.intendedSendNanos = intendedSendNanos
    }

    /// Writes the stamp over the first `size` bytes of `value` (which must be at least that long).
    public func write(into value: inout ByteBuffer) {
        let start = value.readerIndex
        value.setInteger(Self.magic, at: start)
        value.setInteger(run, at: start + 4)
        value.setInteger(id.producer, at: start + 8)
        value.setInteger(id.sequence, at: start + 12)
        value.setInteger(intendedSendNanos, at: start + 20)
    }

    /// The stamp at the front of `value`, or nil when it carries none (too short, or another magic).
    public init?(reading value: ByteBuffer) {
        guard value.readableBytes >= Self.size, value.getInteger(at: value.readerIndex, as: UInt32.self) == Self.magic,
            let run = value.getInteger(at: value.readerIndex + 4, as: UInt32.self),
            let producer = value.getInteger(at: value.readerIndex + 8, as: Int32.self),
            let sequence = value.getInteger(at: value.readerIndex + 12, as: Int64.self),
            let sent = value.getInteger(at: value.readerIndex + 20, as: Int64.self)
        else { return nil }
        self.init(run: run, id: RecordId(producer: producer, sequence: sequence), intendedSendNanos: sent)
    }
}
