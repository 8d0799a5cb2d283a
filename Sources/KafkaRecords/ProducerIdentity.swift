/// The producer that wrote a batch: its id and epoch, as the broker's idempotence and transaction
/// checks compare them.
///
/// Kafka carries the pair in every v2 batch header and in InitProducerId, Produce, AddPartitionsToTxn,
/// EndTxn and WriteTxnMarkers; one small value keeps them from being swapped or compared one at a time.
public struct ProducerIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The producer id the transaction coordinator handed out, or -1.
    public var id: Int64
    /// Bumped when a producer with the same id is fenced or restarts its transaction; -1 when none.
    public var epoch: Int16

    @inlinable
    public init(id: Int64, epoch: Int16) {
        self.id = id
        self.epoch = epoch
    }

    /// A plain producer: neither idempotent nor transactional (`producerId` -1, `producerEpoch` -1).
    public static let none = ProducerIdentity(id: -1, epoch: -1)

    /// Whether this is a real producer id (idempotent or transactional), as Kafka's `hasProducerId`.
    @inlinable
    public var isIdempotent: Bool { id >= 0 }

    public var description: String { "producer \(id) epoch \(epoch)" }
}
