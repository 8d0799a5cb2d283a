import NIOCore

/// A COMMIT or ABORT marker: the control record a partition leader appends when the transaction
/// coordinator ends a producer's transaction (WriteTxnMarkers), and that `read_committed` consumers
/// use to deliver or drop the producer's records.
public struct EndTransactionMarker: Hashable, Sendable {
    public static let currentVersion: Int16 = 0
    /// `.commit` or `.abort`.
    public var type: ControlRecordType
    /// The epoch of the transaction coordinator that wrote the marker (fences stale coordinators).
    public var coordinatorEpoch: Int32

    public init(type: ControlRecordType, coordinatorEpoch: Int32) {
        self.type = type
        self.coordinatorEpoch = coordinatorEpoch
    }

    /// Reads a marker from a control record: key type COMMIT or ABORT, value `version` int16 and
    /// `coordinatorEpoch` int32.
    public init(record: Record) throws(RecordBatchError) {
        let key = try record.controlKey()
        guard key.type.isTransactionMarker else {
            throw .invalidControlRecord("control record type \(key.type) is not a transaction marker")
        }
        guard var value = record.value else { throw .invalidControlRecord("transaction marker has a null value") }
        guard let version: Int16 = value.readInteger(), let epoch: Int32 = value.readInteger() else {
            throw .invalidControlRecord("transaction marker value has \(value.readableBytes) bytes, needs 6")
        }
        guard version >= 0 else { throw .invalidControlRecord("transaction marker version \(version)") }
        self.init(type: key.type, coordinatorEpoch: epoch)
    }

    /// The marker's value bytes: version and coordinator epoch.
    public var encodedValue: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Self.currentVersion)
        buffer.writeInteger(coordinatorEpoch)
        return buffer
    }
}

extension RecordBatch {
    /// A control batch holding one COMMIT or ABORT marker for `producer`, as a partition leader writes
    /// it: transactional and control bits set, no base sequence, uncompressed.
    public static func endTransactionMarker(
        _ marker: EndTransactionMarker, producer: ProducerIdentity, timestamp: Int64,
        baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = -1
    ) throws(RecordBatchError) -> RecordBatch {
        var builder = RecordBatchBuilder(
            baseOffset: baseOffset, producer: producer, isTransactional: true, isControl: true,
            partitionLeaderEpoch: partitionLeaderEpoch, initialCapacity: 96)
        builder.append(key: ControlRecordKey(type: marker.type).encoded, value: marker.encodedValue, timestamp: timestamp)
        return try builder.build()
    }
}
