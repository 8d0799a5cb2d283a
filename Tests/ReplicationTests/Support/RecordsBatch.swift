import Replication

/// A batch of the in-memory test log: consecutive records of one leader epoch, each an integer value.
struct RecordsBatch: ReplicaBatch, Hashable {
    var baseOffset: Int64
    var epoch: Int32
    var values: [Int]

    var lastOffset: Int64 { baseOffset + Int64(values.count) - 1 }
}
