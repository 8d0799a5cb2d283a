"""confluent-kafka producer and consumer against Gregor: 10,000 keyed records with acks=all, idempotence
off and on, read back by assign with exact offsets, per-key order and headers; null keys and values."""

import os
from collections import defaultdict

import pytest
from confluent_kafka import OFFSET_BEGINNING, TopicPartition

import ck
import segments

N = 10_000
PARTITIONS = 4
KEYS = 97


def keyed_records():
    return [(f"key-{i % KEYS}".encode(), f"value-{i}".encode(), [("seq", str(i).encode()), ("src", b"interop")])
            for i in range(N)]


@pytest.mark.parametrize("idempotence", [False, True], ids=["plain", "idempotent"])
def test_10k_keyed_acks_all(shared_broker, topic_name, idempotence):
    topic = ck.create_topic(shared_broker, topic_name(), PARTITIONS)
    p = ck.producer(shared_broker, **{"acks": "all", "enable.idempotence": idempotence, "linger.ms": 5})
    records = keyed_records()
    delivered = ck.produce_all(p, topic, records)
    assert len(delivered) == N

    # Offsets are dense from 0 in every partition, and reports come in offset order per partition.
    offsets = defaultdict(list)
    for m in delivered:
        offsets[m.partition()].append(m.offset())
    assert sorted(offsets) == list(range(PARTITIONS)), "the keys should spread over every partition"
    for partition, got in offsets.items():
        assert got == list(range(len(got))), f"partition {partition}"

    # One key, one partition.
    partition_of = defaultdict(set)
    for m in delivered:
        partition_of[m.key()].add(m.partition())
    assert all(len(ps) == 1 for ps in partition_of.values())

    c = ck.consumer(shared_broker)
    c.assign([TopicPartition(topic, part, OFFSET_BEGINNING) for part in range(PARTITIONS)])
    consumed = ck.consume(c, N)
    assert ck.consume_nothing(c, 0.5) == [], "more records than were produced"
    c.close()

    # Delivery reports carry no headers; the value says which record it was.
    headers_of = {value: headers for _, value, headers in records}
    expected = {(m.partition(), m.offset()): (m.key(), m.value(), headers_of[m.value()]) for m in delivered}
    got = {(m.partition(), m.offset()): (m.key(), m.value(), m.headers()) for m in consumed}
    assert len(got) == N, "duplicates in what was consumed"
    assert got == expected

    # Per-key order: within a key, offsets follow the order of production.
    seen = defaultdict(list)
    for m in sorted(consumed, key=lambda m: (m.partition(), m.offset())):
        seen[m.key()].append(int(m.value()[len(b"value-"):]))
    for key, sequence in seen.items():
        assert sequence == sorted(sequence), key
        assert len(sequence) in (N // KEYS, N // KEYS + 1)

    for part in range(PARTITIONS):
        assert ck.watermarks(shared_broker, topic, part) == (0, len(offsets[part]))

    # What is on disk: one producer id on every batch when idempotent (and sequences that follow on),
    # none otherwise; every batch's CRC holds after the broker patched its base offset.
    for part in range(PARTITIONS):
        files = segments.log_files(shared_broker.data_dir, topic, part)
        assert files, f"no segment for partition {part}"
        batches = [b for f in files for b in segments.read_batches(f)]
        assert sum(b.records_count for b in batches) == len(offsets[part])
        assert [b.base_offset for b in batches] == sorted({b.base_offset for b in batches})
        if idempotence:
            assert len({b.producer_id for b in batches}) == 1 and batches[0].producer_id >= 0
            expected_sequence = 0
            for b in batches:
                assert b.base_sequence == expected_sequence, b
                expected_sequence += b.records_count
        else:
            assert {b.producer_id for b in batches} == {-1}
        assert all(segments.crc_ok(files[0], b) for b in segments.read_batches(files[0])[:20])


def test_null_and_empty_keys_values_and_headers(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    records = [
        (None, b"value-without-key", None),
        (b"key-without-value", None, None),
        (None, None, None),
        (b"", b"", None),
        (b"k", b"v", [("dup", b"1"), ("dup", b"2"), ("empty", b""), ("null", None)]),
        (b"\x00\xff binary", bytes(range(256)), [("bin", bytes(range(256)))]),
    ]
    delivered = ck.produce_all(ck.producer(shared_broker, acks="all"), topic, records)
    assert [m.offset() for m in delivered] == list(range(len(records)))
    c = ck.consumer(shared_broker)
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, len(records))
    c.close()
    got = [(m.offset(), m.key(), m.value(), m.headers()) for m in consumed]
    assert got == [
        (0, None, b"value-without-key", None),
        (1, b"key-without-value", None, None),
        (2, None, None, None),
        (3, b"", b"", None),
        (4, b"k", b"v", [("dup", b"1"), ("dup", b"2"), ("empty", b""), ("null", None)]),
        (5, b"\x00\xff binary", bytes(range(256)), [("bin", bytes(range(256)))]),
    ]


def test_assign_at_offset(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    ck.produce_all(ck.producer(shared_broker), topic, [(None, b"m%d" % i) for i in range(50)])
    c = ck.consumer(shared_broker)
    c.assign([TopicPartition(topic, 0, 37)])
    consumed = ck.consume(c, 13)
    assert [(m.offset(), m.value()) for m in consumed] == [(i, b"m%d" % i) for i in range(37, 50)]
    assert ck.consume_nothing(c, 0.5) == []
    c.close()


def test_many_small_batches_interleaved_partitions(shared_broker, topic_name):
    """Each record its own request (linger 0, in-flight 1): offsets still dense and ordered."""
    topic = ck.create_topic(shared_broker, topic_name(), 2)
    p = ck.producer(shared_broker, **{"linger.ms": 0, "max.in.flight.requests.per.connection": 1})
    records = [(None, b"r%d" % i, None, i % 2) for i in range(200)]
    delivered = []
    for record in records:
        delivered += ck.produce_all(p, topic, [record])
    assert [(m.partition(), m.offset()) for m in delivered] == [(i % 2, i // 2) for i in range(200)]
    files = segments.log_files(shared_broker.data_dir, topic, 0)
    assert len(segments.read_batches(files[0])) == 100
    assert os.path.getsize(files[0]) == sum(b.size for b in segments.read_batches(files[0]))
