/// A leader epoch and the offset where it ended on the leader: the `DivergingEpoch` of a fetch
/// response (KIP-320), telling a follower where its log parts from the leader's.
public struct EpochEndOffset: Sendable, Hashable, CustomStringConvertible {
    public var epoch: Int32
    public var endOffset: Int64

    public init(epoch: Int32, endOffset: Int64) {
        self.epoch = epoch
        self.endOffset = endOffset
    }

    public var description: String { "(epoch \(epoch), endOffset \(endOffset))" }
}
