import NIOCore

/// The type of a control record (the int16 after the version in its key). An open set: readers must
/// skip types they do not know, so unknown values are kept rather than rejected.
public struct ControlRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// Transaction marker: the producer's transaction was aborted.
    public static let abort = ControlRecordType(rawValue: 0)
    /// Transaction marker: the producer's transaction was committed.
    public static let commit = ControlRecordType(rawValue: 1)
    /// KRaft: a new quorum leader (`LeaderChangeMessage`).
    public static let leaderChange = ControlRecordType(rawValue: 2)
    /// KRaft snapshot header / footer (`SnapshotHeaderRecord`, `SnapshotFooterRecord`).
    public static let snapshotHeader = ControlRecordType(rawValue: 3)
    public static let snapshotFooter = ControlRecordType(rawValue: 4)
    /// KRaft (KIP-853): `KRaftVersionRecord` and `VotersRecord`.
    public static let kraftVersion = ControlRecordType(rawValue: 5)
    public static let kraftVoters = ControlRecordType(rawValue: 6)

    /// Whether this is a COMMIT or ABORT marker.
    public var isTransactionMarker: Bool { self == .abort || self == .commit }

    public var description: String {
        switch self {
        case .abort: "ABORT"
        case .commit: "COMMIT"
        case .leaderChange: "LEADER_CHANGE"
        case .snapshotHeader: "SNAPSHOT_HEADER"
        case .snapshotFooter: "SNAPSHOT_FOOTER"
        case .kraftVersion: "KRAFT_VERSION"
        case .kraftVoters: "KRAFT_VOTERS"
        default: "UNKNOWN(\(rawValue))"
        }
    }
}

/// The key of the one record in a control batch: `version` int16 (0) and `type` int16.
///
/// Consumers use it to recognise transaction markers; the value's layout depends on the type
/// (`EndTransactionMarker` for COMMIT/ABORT, KRaft messages for the others).
public struct ControlRecordKey: Hashable, Sendable {
    public static let currentVersion: Int16 = 0
    public var version: Int16
    public var type: ControlRecordType

    public init(type: ControlRecordType, version: Int16 = ControlRecordKey.currentVersion) {
        self.version = version
        self.type = type
    }

    /// Reads a control record's key. As Kafka does, a newer version is read by its first four bytes;
    /// a missing, short or negative-version key is an error.
    public init(parsing key: ByteBuffer?) throws(RecordBatchError) {
        guard var key else { throw .invalidControlRecord("control record has a null key") }
        guard let version: Int16 = key.readInteger(), let type: Int16 = key.readInteger() else {
            throw .invalidControlRecord("control record key has \(key.readableBytes) bytes, needs 4")
        }
        guard version >= 0 else { throw .invalidControlRecord("control record key version \(version)") }
        self.init(type: ControlRecordType(rawValue: type), version: version)
    }

    /// The key's four bytes.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        buffer.writeInteger(type.rawValue)
        return buffer
    }
}

extension Record {
    /// For a record of a control batch: its key, parsed.
    public func controlKey() throws(RecordBatchError) -> ControlRecordKey {
        try ControlRecordKey(parsing: key)
    }
}
