/// The checks a broker runs on a batch a client produced, cheapest first.
///
/// - `validate()`: magic and CRC. The CRC covers every byte the client chose, so after it passes the
///   batch is exactly what the client wrote.
/// - `validateRecordFraming()`: for an uncompressed batch, walks the records' length prefixes only (no
///   field decoding, no allocation) and checks that they exactly fill the batch and that their number is
///   `recordsCount`. A **compressed** batch is checked by its CRC only: looking inside would mean
///   decompressing it, which the broker does not do on the produce path (clients decompress on fetch).
/// - `validateProducedBatch()`: both, plus the rules Kafka applies to a producer's batch (at least one
///   record, `lastOffsetDelta + 1 == recordsCount`, no control batches from clients).
extension RecordBatch {
    /// Checks magic and CRC: what every reader of untrusted bytes (a client's batch, a log tail after a
    /// crash) must check first.
    public func validate() throws(RecordBatchError) {
        guard magic == Self.currentMagic else { throw .unsupportedMagic(magic) }
        let computed = computeCRC()
        guard computed == crc else { throw .crcMismatch(stored: crc, computed: computed) }
        guard recordCount >= 0, lastOffsetDelta >= 0 else { throw .invalidRecordCount(recordCount) }
    }

    /// Walks an uncompressed batch's record length prefixes and checks that they fill the records
    /// section exactly and number `recordsCount`. Compressed batches pass unchanged (see the type's
    /// overview). Does not check the CRC; call `validate()` for that.
    public func validateRecordFraming() throws(RecordBatchError) {
        let declared = recordCount
        guard declared >= 0 else { throw .invalidRecordCount(declared) }
        guard attributes.compression == .none else { return }
        let result = bytes.withUnsafeReadableBytes { whole in
            RecordFraming.walk(UnsafeRawBufferPointer(rebasing: whole[Self.headerSize...]), declared: declared)
        }
        if let error = result { throw error }
    }

    /// Everything a broker checks before appending a producer's batch, without per-record work beyond
    /// the length walk: magic, CRC, a non-empty offset range that matches the record count, not a
    /// control batch (only the broker writes those), and the record framing.
    public func validateProducedBatch() throws(RecordBatchError) {
        try validate()
        guard recordCount > 0 else { throw .invalidRecordCount(recordCount) }
        guard Int64(lastOffsetDelta) + 1 == Int64(recordCount) else {
            throw .offsetRangeMismatch(lastOffsetDelta: lastOffsetDelta, recordCount: recordCount)
        }
        guard !attributes.isControl else { throw .invalidControlRecord("clients may not produce control batches") }
        try validateRecordFraming()
    }
}

/// The allocation-free walk behind `validateRecordFraming()`.
enum RecordFraming {
    /// The smallest record body: attributes, timestampDelta, offsetDelta, keyLength, valueLength and
    /// headersCount, one byte each.
    static let minimumRecordSize = 6

    /// Returns nil when `records` holds exactly `declared` length-prefixed records, else the problem.
    static func walk(_ records: UnsafeRawBufferPointer, declared: Int32) -> RecordBatchError? {
        var reader = RawReader(records)
        var count = 0
        while reader.remaining > 0 {
            guard let length = reader.readVarint32() else {
                return .corruptRecord(index: count, reason: "malformed length varint")
            }
            guard length >= minimumRecordSize else {
                return .corruptRecord(index: count, reason: "length \(length) is smaller than a record")
            }
            guard Int(length) <= reader.remaining else {
                return .corruptRecord(index: count, reason: "length \(length) runs past the batch end by \(Int(length) - reader.remaining) bytes")
            }
            reader.position += Int(length)
            count += 1
        }
        guard count == Int(declared) else { return .recordCountMismatch(declared: declared, actual: count) }
        return nil
    }
}
