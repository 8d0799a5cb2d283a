"""Recovery of a damaged segment tail: the broker is stopped (SIGTERM or kill -9), the active segment's
.log is cut in the middle of its last batch, or one byte inside a batch's records is flipped, and the
broker restarted. It must start, log the recovery, truncate to the last whole valid batch, serve the
records before it, and take new writes at the recovered log end offset."""

import os
import re

import pytest
from confluent_kafka import TopicPartition

import ck
import segments

BATCHES = 10
PER_BATCH = 5
BASE = 1_700_000_000_000


def fill(broker, topic):
    """BATCHES batches of PER_BATCH records in partition 0, with rising timestamps (so the newest is in
    the last batch); returns the .log file and its batches as stored on disk."""
    p = ck.producer(broker, **{"acks": "all", "linger.ms": 100})
    for batch in range(BATCHES):
        ck.produce_all(p, topic, [(b"k%d" % batch, b"batch %d record %d" % (batch, i), None, 0, BASE + batch * 1000 + i)
                                  for i in range(PER_BATCH)])
    [log] = segments.log_files(broker.data_dir, topic, 0)
    batches = segments.read_batches(log)
    assert sum(b.records_count for b in batches) == BATCHES * PER_BATCH
    assert len(batches) >= 3, batches
    assert os.path.getsize(log) == batches[-1].end
    return log, batches


def expected_value(offset):
    return b"batch %d record %d" % (offset // PER_BATCH, offset % PER_BATCH)


def check_recovered(broker, topic, log, keep_until):
    """The broker serves offsets [0, keep_until) unchanged and writes the next record at keep_until."""
    assert ck.watermarks(broker, topic, 0) == (0, keep_until)
    c = ck.consumer(broker)
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, keep_until)
    assert ck.consume_nothing(c, 0.3) == []
    c.close()
    assert [(m.offset(), m.value()) for m in consumed] == [(o, expected_value(o)) for o in range(keep_until)]
    delivered = ck.produce_all(ck.producer(broker, acks="all"), topic, [(b"new", b"after recovery", None, 0)])
    assert [m.offset() for m in delivered] == [keep_until]
    c = ck.consumer(broker)
    c.assign([TopicPartition(topic, 0, keep_until)])
    [m] = ck.consume(c, 1)
    c.close()
    assert (m.offset(), m.value()) == (keep_until, b"after recovery")
    # On disk: the kept batches whole and valid, then the new one (in a new segment when the old
    # records' timestamps are older than segment.ms, as Kafka rolls).
    files = segments.log_files(broker.data_dir, topic, 0)
    assert files[0] == log
    stored = [(f, b) for f in files for b in segments.read_batches(f)]
    assert stored[-1][1].base_offset == keep_until
    assert sum(b.records_count for _, b in stored) == keep_until + 1
    assert all(segments.crc_ok(f, b) for f, b in stored)


def recovery_line(broker, topic):
    lines = [line for line in broker.run_log().splitlines() if f"recovered {topic}-0" in line]
    assert lines, f"no recovery message for {topic}-0 in:\n{broker.run_log()[-3000:]}"
    return lines[0]


@pytest.mark.parametrize("stop", ["sigterm", "kill"])
def test_torn_tail_is_truncated(broker_factory, stop):
    b = broker_factory()
    topic = ck.create_topic(b, "torn", 1)
    log, batches = fill(b, topic)
    last = batches[-1]
    if stop == "sigterm":
        b.stop()
    else:
        b.kill()
    with open(log, "r+b") as f:
        f.truncate(last.position + last.size // 2)
    b.start()
    assert os.path.getsize(log) == last.position, "the .log should be cut at the last whole batch"
    line = recovery_line(b, topic)
    assert re.search(rf"logEndOffset={last.base_offset}\b", line), line
    check_recovered(b, topic, log, last.base_offset)
    # The message says what was cut and why (checked last, so that the data checks above always run).
    assert f"{last.size - last.size // 2} bytes (torn batch at position {last.position}" in line, line


@pytest.mark.parametrize("which", ["last", "middle"])
def test_corrupt_batch_is_truncated(broker_factory, which):
    """A flipped byte in a batch's records fails its CRC: after a crash (kill -9, so the tail is scanned)
    the log is cut at that batch; later batches go with it, as in Kafka."""
    b = broker_factory()
    topic = ck.create_topic(b, "corrupt", 1)
    log, batches = fill(b, topic)
    bad = batches[-1] if which == "last" else batches[len(batches) // 2]
    b.kill()
    position = bad.position + segments.BATCH_HEADER_SIZE + (bad.size - segments.BATCH_HEADER_SIZE) // 2
    with open(log, "r+b") as f:
        f.seek(position)
        byte = f.read(1)
        f.seek(position)
        f.write(bytes([byte[0] ^ 0x5A]))
    assert not segments.crc_ok(log, bad)
    b.start()
    assert os.path.getsize(log) == bad.position, "the .log should be cut where the corrupt batch starts"
    line = recovery_line(b, topic)
    assert re.search(rf"logEndOffset={bad.base_offset}\b", line), line
    check_recovered(b, topic, log, bad.base_offset)
    assert f"position {bad.position}" in line and "crc" in line.lower(), line


def test_clean_restart_keeps_everything(broker_factory):
    """The control case: no damage, no recovery message, every record still there."""
    b = broker_factory()
    topic = ck.create_topic(b, "intact", 1)
    log, batches = fill(b, topic)
    b.stop()
    b.start()
    assert f"recovered {topic}-0" not in b.run_log()
    assert "cleanShutdown=true" in b.run_log(), b.run_log()[-2000:]
    check_recovered(b, topic, log, BATCHES * PER_BATCH)
