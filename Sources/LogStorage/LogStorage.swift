// LogStorage: the partition log on disk, in Kafka's layout.
//
//     <data-dir>/
//       .lock                               flock: one broker per data directory (LogManager)
//       .kafka_cleanshutdown                present only between a clean close and the next open
//       recovery-point-offset-checkpoint    "0", count, "topic partition offset" lines
//       log-start-offset-checkpoint
//       replication-offset-checkpoint       high watermarks
//       orders-0/                           one directory per partition (PartitionLog)
//         00000000000000000000.log          batches back to back, bytes as appended (LogSegment)
//         00000000000000000000.index        sparse: (relative offset, position) every 4 KiB (OffsetIndex)
//         00000000000000000000.timeindex    (timestamp, relative offset) when the max grows (TimeIndex)
//         00000000000000001234.log ...      the next segment, named by its base offset
//         leader-epoch-checkpoint           (epoch, start offset) lines (LeaderEpochCache)
//         partition.metadata                "version: 0", "topic_id: ..."
//
// How the parts fit:
// - LogFileSystem/LogFile: every byte goes through this protocol (POSIX or in memory), so tests run
//   in memory, simulate power cuts, and a fault layer can wrap the real disk.
// - LogSegment: one .log with its two indexes; appends, index bookkeeping, load and rebuild.
// - PartitionLog: the segments of one partition behind one lock: append (leader and follower), read
//   (planned under the lock, file I/O outside it), search by time, roll, truncate, retention, flush.
//   ProducerStateManager (idempotence) and LeaderEpochCache are values it keeps beside the segments.
// - PartitionLogLoader: opening after a crash; scans from the recovery point with CRC checks.
// - LogManager: all partitions of one data directory, the checkpoints and the clean-shutdown marker.
//
// Durability follows Kafka: appends reach the OS page cache; fsync happens on roll, on flush.messages
// / flush.ms, on close, or on every append with flush.messages=1 (`--fsync always`). The recovery
// point records how far data is known to be on disk; after a crash only what lies beyond it is
// checked batch by batch, and the log is cut at the first torn or corrupt batch.
