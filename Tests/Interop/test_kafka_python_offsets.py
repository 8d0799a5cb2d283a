"""kafka-python offsets against Gregor: beginning/end offsets, offsets_for_times, CreateTime kept,
OFFSET_OUT_OF_RANGE handled by auto_offset_reset (earliest, latest, none)."""

import time

import pytest
from kafka import TopicPartition
from kafka.errors import OffsetOutOfRangeError

import kp

BASE = 1_600_000_000_000


@pytest.fixture
def timed_topic(shared_broker, topic_name):
    """20 records at BASE, BASE+1000, ... in partition 0 of a 2-partition topic."""
    topic = kp.create_topic(shared_broker, topic_name(), 2)
    p = kp.producer(shared_broker, acks="all", linger_ms=20)
    kp.send_all(p, topic, [(b"k%d" % i, b"v%d" % i, None, 0, BASE + i * 1000) for i in range(20)])
    p.close()
    return topic


def test_beginning_and_end_offsets(shared_broker, timed_topic):
    c = kp.consumer(shared_broker)
    tps = [TopicPartition(timed_topic, 0), TopicPartition(timed_topic, 1)]
    assert c.beginning_offsets(tps) == {tps[0]: 0, tps[1]: 0}
    assert c.end_offsets(tps) == {tps[0]: 20, tps[1]: 0}
    c.close()


def test_create_time_kept(shared_broker, timed_topic):
    c = kp.consumer(shared_broker)
    tp = TopicPartition(timed_topic, 0)
    c.assign([tp])
    c.seek(tp, 0)
    consumed = kp.poll_records(c, 20)
    c.close()
    assert [(r.offset, r.timestamp, r.timestamp_type) for r in consumed] == [(i, BASE + i * 1000, 0) for i in range(20)]


def test_offsets_for_times(shared_broker, timed_topic):
    c = kp.consumer(shared_broker)
    tp = TopicPartition(timed_topic, 0)
    empty = TopicPartition(timed_topic, 1)
    cases = {BASE - 1: 0, BASE + 7000: 7, BASE + 7001: 8, BASE + 19_000: 19}
    for target, expected in cases.items():
        answer = c.offsets_for_times({tp: target})[tp]
        assert answer is not None and (answer.offset, answer.timestamp) == (expected, BASE + expected * 1000), target
    assert c.offsets_for_times({tp: BASE + 20_000}) == {tp: None}
    assert c.offsets_for_times({empty: BASE}) == {empty: None}
    c.close()


def test_out_of_range_resets_to_earliest(shared_broker, timed_topic):
    c = kp.consumer(shared_broker, auto_offset_reset="earliest")
    tp = TopicPartition(timed_topic, 0)
    c.assign([tp])
    c.seek(tp, 500)
    consumed = kp.poll_records(c, 20)
    c.close()
    assert [r.offset for r in consumed] == list(range(20))


def test_out_of_range_resets_to_latest(shared_broker, timed_topic):
    c = kp.consumer(shared_broker, auto_offset_reset="latest")
    tp = TopicPartition(timed_topic, 0)
    c.assign([tp])
    c.seek(tp, 500)
    early = []
    deadline = time.monotonic() + 15
    # position() blocks until the reset has been resolved; poll drives the fetch that hits out of range.
    while time.monotonic() < deadline:
        early += kp.poll_for(c, 0.2)
        if c.position(tp) == 20:
            break
    assert c.position(tp) == 20
    assert early == []
    p = kp.producer(shared_broker, acks="all")
    kp.send_all(p, timed_topic, [(None, b"after", None, 0)])
    p.close()
    [record] = kp.poll_records(c, 1)
    c.close()
    assert (record.offset, record.value) == (20, b"after")


def test_out_of_range_without_reset_raises(shared_broker, timed_topic):
    c = kp.consumer(shared_broker, auto_offset_reset="none")
    tp = TopicPartition(timed_topic, 0)
    c.assign([tp])
    c.seek(tp, 500)
    with pytest.raises(OffsetOutOfRangeError):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            c.poll(timeout_ms=200)
    c.close()
