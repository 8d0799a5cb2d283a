"""Reads Kafka log segment files (.log) as the tests find them on disk: record batch v2 headers, so a test
can check what the broker stored and cut or corrupt a segment at a batch boundary."""

import glob
import os
import struct

BATCH_HEADER_SIZE = 61  # baseOffset .. recordsCount
# baseOffset q, batchLength i, partitionLeaderEpoch i, magic b, crc I, attributes h, lastOffsetDelta i,
# baseTimestamp q, maxTimestamp q, producerId q, producerEpoch h, baseSequence i, recordsCount i
HEADER = struct.Struct(">qiibIhiqqqhii")
assert HEADER.size == BATCH_HEADER_SIZE

_CRC32C_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C_TABLE.append(_c)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _CRC32C_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Batch:
    def __init__(self, position, raw_header, body_end):
        (self.base_offset, self.batch_length, self.leader_epoch, self.magic, self.crc, self.attributes,
         self.last_offset_delta, self.base_timestamp, self.max_timestamp, self.producer_id, self.producer_epoch,
         self.base_sequence, self.records_count) = HEADER.unpack(raw_header)
        self.position = position
        self.size = 12 + self.batch_length
        self.end = position + self.size
        self.complete = self.end <= body_end

    @property
    def last_offset(self):
        return self.base_offset + self.last_offset_delta

    @property
    def next_offset(self):
        return self.last_offset + 1

    @property
    def compression(self):
        return ["none", "gzip", "snappy", "lz4", "zstd"][self.attributes & 0x7]

    @property
    def log_append_time(self):
        return bool(self.attributes & 0x8)

    def __repr__(self):
        return (f"Batch(offsets {self.base_offset}..{self.last_offset}, position {self.position}, size {self.size}, "
                f"pid {self.producer_id}, seq {self.base_sequence})")


def read_batches(path):
    """Every batch header in a .log file, in order; stops at a header that does not fit (a torn tail)."""
    with open(path, "rb") as f:
        data = f.read()
    batches = []
    position = 0
    while position + BATCH_HEADER_SIZE <= len(data):
        batch = Batch(position, data[position:position + BATCH_HEADER_SIZE], len(data))
        if batch.batch_length < BATCH_HEADER_SIZE - 12 or not batch.complete:
            break
        batches.append(batch)
        position = batch.end
    return batches


def crc_ok(path, batch):
    with open(path, "rb") as f:
        f.seek(batch.position + 21)
        return crc32c(f.read(batch.size - 21)) == batch.crc


def partition_dir(data_dir, topic, partition):
    return os.path.join(str(data_dir), f"{topic}-{partition}")


def log_files(data_dir, topic, partition):
    """The partition's .log files, oldest first (their names are 20-digit base offsets)."""
    return sorted(glob.glob(os.path.join(partition_dir(data_dir, topic, partition), "*.log")))
