/// Which leader epoch wrote which offsets (Kafka's LeaderEpochFileCache): entries of (epoch, start
/// offset), both increasing. Followers ask for the end offset of an epoch to find where their log
/// diverges from the leader's (OffsetForLeaderEpoch); the checkpoint file `leader-epoch-checkpoint`
/// keeps it across restarts.
///
/// A value with no I/O: `PartitionLog` writes the checkpoint when it changes.
public struct LeaderEpochCache: Sendable, Hashable {
    /// One epoch and the first offset its leader wrote.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        public var epoch: Int32
        public var startOffset: Int64
        public init(epoch: Int32, startOffset: Int64) {
            self.epoch = epoch
            self.startOffset = startOffset
        }
        public var description: String { "EpochEntry(epoch=\(epoch), startOffset=\(startOffset))" }
    }

    /// Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET.
    public static let undefinedEpoch: Int32 = -1
    public static let undefinedEpochOffset: Int64 = -1

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = []
        for entry in entries { assign(epoch: entry.epoch, startOffset: entry.startOffset) }
    }

    public var latestEntry: Entry? { entries.last }
    public var latestEpoch: Int32? { entries.last?.epoch }
    public var earliestEntry: Entry? { entries.first }

    /// Records that `epoch` starts at `startOffset`. Entries that contradict it (an epoch ≥ it, or a
    /// start offset ≥ it) are removed first, as Kafka does. Returns whether anything changed.
    @discardableResult
    public mutating func assign(epoch: Int32, startOffset: Int64) -> Bool {
        guard epoch >= 0, startOffset >= 0 else { return false }
        if let latest = entries.last, latest.epoch == epoch, startOffset >= latest.startOffset { return false }
        while let last = entries.last, last.epoch >= epoch || last.startOffset >= startOffset {
            entries.removeLast()
        }
        entries.append(Entry(epoch: epoch, startOffset: startOffset))
        return true
    }

    /// The epoch holding `offset`, or nil when the offset precedes every entry.
    public func epoch(forOffset offset: Int64) -> Int32? {
        entries.last { $0.startOffset <= offset }?.epoch
    }

    /// Kafka's `endOffsetFor`: the largest epoch ≤ `requestedEpoch` and the offset where it ended (the
    /// start of the next epoch, or `logEndOffset` for the latest). (-1, -1) when undefined.
    public func endOffset(forEpoch requestedEpoch: Int32, logEndOffset: Int64) -> (epoch: Int32, endOffset: Int64) {
        if requestedEpoch == Self.undefinedEpoch { return (Self.undefinedEpoch, Self.undefinedEpochOffset) }
        if let latest = latestEpoch, latest == requestedEpoch { return (requestedEpoch, logEndOffset) }
        guard let higher = entries.first(where: { $0.epoch > requestedEpoch }) else {
            return (Self.undefinedEpoch, Self.undefinedEpochOffset)
        }
        guard let floor = entries.last(where: { $0.epoch <= requestedEpoch }) else {
            // Before the log start: the next epoch's start is the best answer Kafka gives.
            return (requestedEpoch, higher.startOffset)
        }
        return (floor.epoch, higher.startOffset)
    }

    /// Removes entries starting at or after `endOffset` (the log was truncated there).
    @discardableResult
    public mutating func truncateFromEnd(endOffset: Int64) -> Bool {
        guard endOffset >= 0, let latest = entries.last, latest.startOffset >= endOffset else { return false }
        entries.removeAll { $0.startOffset >= endOffset }
        return true
    }

    /// Drops entries wholly before `startOffset` (the log start moved); the last of them is kept,
    /// starting at `startOffset`, since its epoch still holds that offset.
    @discardableResult
    public mutating func truncateFromStart(startOffset: Int64) -> Bool {
        let removed = entries.prefix { $0.startOffset <= startOffset }
        guard let lastRemoved = removed.last else { return false }
        if removed.count == 1, lastRemoved.startOffset == startOffset { return false }
        entries.removeFirst(removed.count)
        entries.insert(Entry(epoch: lastRemoved.epoch, startOffset: startOffset), at: 0)
        return true
    }

    public mutating func removeAll() { entries.removeAll() }
}
