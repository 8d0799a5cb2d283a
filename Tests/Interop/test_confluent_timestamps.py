"""confluent-kafka and record timestamps on Gregor: CreateTime preserved, ListOffsets by time
(offsets_for_times, AdminClient list_offsets with earliest/latest/max-timestamp), LogAppendTime topics."""

import time

from confluent_kafka import (OFFSET_END, TIMESTAMP_CREATE_TIME, TIMESTAMP_LOG_APPEND_TIME, IsolationLevel,
                             TopicPartition)
from confluent_kafka.admin import OffsetSpec

import ck
import segments

BASE = 1_600_000_000_000  # 2020-09-13, well in the past


def produce_timed(broker, topic, count, step_ms=1000, **conf):
    records = [(b"k%d" % i, b"v%d" % i, None, 0, BASE + i * step_ms) for i in range(count)]
    return ck.produce_all(ck.producer(broker, **conf), topic, records)


def test_create_time_preserved(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    delivered = produce_timed(shared_broker, topic, 30, **{"linger.ms": 50})
    assert [m.timestamp() for m in delivered] == [(TIMESTAMP_CREATE_TIME, BASE + i * 1000) for i in range(30)]
    c = ck.consumer(shared_broker)
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, 30)
    c.close()
    assert [(m.offset(), m.timestamp()) for m in consumed] == [
        (i, (TIMESTAMP_CREATE_TIME, BASE + i * 1000)) for i in range(30)]


def test_offsets_for_times(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    # Several records per batch, so that the answer sometimes lies inside a batch.
    produce_timed(shared_broker, topic, 100, **{"linger.ms": 50, "batch.num.messages": 7})
    c = ck.consumer(shared_broker)
    cases = {
        BASE - 1: 0,               # before everything: the first record
        BASE: 0,
        BASE + 5000: 5,            # exact match
        BASE + 5500: 6,            # between records: the next one
        BASE + 99_000: 99,         # the last record
        BASE + 99_001: OFFSET_END,  # after everything: no such offset (-1)
    }
    for target, expected in cases.items():
        [answer] = c.offsets_for_times([TopicPartition(topic, 0, target)], timeout=10)
        assert answer.error is None, answer
        assert answer.offset == expected, f"timestamp {target}: offset {answer.offset}, expected {expected}"
    c.close()


def test_list_offsets_specs(shared_broker, topic_name):
    """AdminClient.list_offsets: earliest, latest, max timestamp (ListOffsets v7+) and by timestamp."""
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    # The largest timestamp is in the middle (offset 3): max-timestamp must find it, not the last record.
    stamps = [BASE + 10, BASE + 20, BASE + 30, BASE + 90, BASE + 40, BASE + 50]
    ck.produce_all(ck.producer(shared_broker, **{"linger.ms": 20}), topic,
                   [(None, b"v%d" % i, None, 0, ts) for i, ts in enumerate(stamps)])
    a = ck.admin(shared_broker)
    tp = TopicPartition(topic, 0)

    def ask(spec):
        futures = a.list_offsets({tp: spec}, isolation_level=IsolationLevel.READ_UNCOMMITTED, request_timeout=10)
        return futures[tp].result(timeout=15)

    assert ask(OffsetSpec.earliest()).offset == 0
    assert ask(OffsetSpec.latest()).offset == 6
    top = ask(OffsetSpec.max_timestamp())
    assert (top.offset, top.timestamp) == (3, BASE + 90)
    found = ask(OffsetSpec.for_timestamp(BASE + 35))
    assert (found.offset, found.timestamp) == (3, BASE + 90)  # the first record at or after, in offset order


def test_log_append_time(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"message.timestamp.type": "LogAppendTime"})
    before = int(time.time() * 1000)
    delivered = ck.produce_all(ck.producer(shared_broker, **{"linger.ms": 20}), topic,
                               [(b"k%d" % i, b"v%d" % i, None, 0, BASE + i) for i in range(10)])
    after = int(time.time() * 1000)
    for m in delivered:
        kind, ts = m.timestamp()
        assert kind == TIMESTAMP_LOG_APPEND_TIME and before <= ts <= after, m.timestamp()
    c = ck.consumer(shared_broker)
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, 10)
    c.close()
    for m in consumed:
        kind, ts = m.timestamp()
        assert kind == TIMESTAMP_LOG_APPEND_TIME, m.timestamp()
        assert before <= ts <= after, (before, ts, after)
    # The stored batches say LogAppendTime, with the broker's clock as their max timestamp.
    files = segments.log_files(shared_broker.data_dir, topic, 0)
    batches = segments.read_batches(files[0])
    assert batches and all(b.log_append_time and before <= b.max_timestamp <= after for b in batches), batches
    assert all(segments.crc_ok(files[0], b) for b in batches)
    # Searching by time uses the broker's timestamps, not the producer's.
    c = ck.consumer(shared_broker)
    [early] = c.offsets_for_times([TopicPartition(topic, 0, BASE + 5)], timeout=10)
    [late] = c.offsets_for_times([TopicPartition(topic, 0, after + 60_000)], timeout=10)
    c.close()
    assert (early.offset, late.offset) == (0, OFFSET_END)
