/// The int16 attribute bits of a batch header (codec, timestamp type, transactional, control), as typed
/// accessors over the raw value, so that bits Gregor does not know survive a round trip.
public struct RecordBatchAttributes: Sendable, Hashable {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public init(
        compression: CompressionType = .none, timestampType: TimestampType = .createTime,
        isTransactional: Bool = false, isControl: Bool = false
    ) {
        rawValue = 0
        self.compression = compression
        self.timestampType = timestampType
        self.isTransactional = isTransactional
        self.isControl = isControl
    }

    /// Bits 0-2.
    public var compression: CompressionType {
        get { CompressionType(rawValue: Int8(rawValue & 0x7)) }
        set { rawValue = (rawValue & ~0x7) | Int16(newValue.rawValue & 0x7) }
    }
    /// Bit 3.
    public var timestampType: TimestampType {
        get { rawValue & 0x8 != 0 ? .logAppendTime : .createTime }
        set { rawValue = newValue == .logAppendTime ? rawValue | 0x8 : rawValue & ~0x8 }
    }
    /// Bit 4.
    public var isTransactional: Bool {
        get { rawValue & 0x10 != 0 }
        set { rawValue = newValue ? rawValue | 0x10 : rawValue & ~0x10 }
    }
    /// Bit 5.
    public var isControl: Bool {
        get { rawValue & 0x20 != 0 }
        set { rawValue = newValue ? rawValue | 0x20 : rawValue & ~0x20 }
    }
    /// Bit 6: `baseTimestamp` holds the delete horizon.
    public var hasDeleteHorizon: Bool { rawValue & 0x40 != 0 }
}

/// Which clock a batch's timestamps come from (`message.timestamp.type`).
public enum TimestampType: Sendable, Hashable {
    /// Set by the producer.
    case createTime
    /// Set by the broker when it appended the batch.
    case logAppendTime
}
