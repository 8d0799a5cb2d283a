"""kafka-python producer and consumer against Gregor: 10,000 keyed records with acks=all read back by
assign with exact offsets, per-key order and headers; null keys and values."""

from collections import defaultdict

from kafka import TopicPartition

import kp

N = 10_000
PARTITIONS = 3
KEYS = 61


def test_10k_keyed_acks_all(shared_broker, topic_name):
    topic = kp.create_topic(shared_broker, topic_name(), PARTITIONS)
    p = kp.producer(shared_broker, acks="all", linger_ms=5)
    records = [(f"key-{i % KEYS}".encode(), f"value-{i}".encode(), [("seq", str(i).encode())]) for i in range(N)]
    metadata = kp.send_all(p, topic, records)
    p.close()

    offsets = defaultdict(list)
    for md in metadata:
        offsets[md.partition].append(md.offset)
    assert sorted(offsets) == list(range(PARTITIONS))
    for partition, got in offsets.items():
        assert got == list(range(len(got))), f"partition {partition}: offsets not dense and in send order"

    c = kp.consumer(shared_broker, max_poll_records=5000)
    tps = [TopicPartition(topic, part) for part in range(PARTITIONS)]
    c.assign(tps)
    c.seek_to_beginning(*tps)
    consumed = kp.poll_records(c, N)
    assert kp.poll_for(c, 0.5) == []
    assert c.end_offsets(tps) == {TopicPartition(topic, part): len(offsets[part]) for part in range(PARTITIONS)}
    c.close()

    expected = {(md.partition, md.offset): (key, value, headers) for md, (key, value, headers) in zip(metadata, records)}
    got = {(r.partition, r.offset): (r.key, r.value, r.headers) for r in consumed}
    assert len(consumed) == N
    assert got == expected

    seen = defaultdict(list)
    partitions_of = defaultdict(set)
    for r in sorted(consumed, key=lambda r: (r.partition, r.offset)):
        seen[r.key].append(int(r.value[len(b"value-"):]))
        partitions_of[r.key].add(r.partition)
    for key, sequence in seen.items():
        assert sequence == sorted(sequence), key
    assert all(len(ps) == 1 for ps in partitions_of.values())


def test_null_keys_and_values(shared_broker, topic_name):
    topic = kp.create_topic(shared_broker, topic_name(), 1)
    p = kp.producer(shared_broker, acks="all")
    records = [
        (None, b"value-without-key"),
        (b"key-without-value", None),  # (kafka-python refuses a record with neither key nor value)
        (b"", b""),
        (b"k", b"v", [("a", b"1"), ("a", b"2"), ("empty", b"")]),
    ]
    metadata = kp.send_all(p, topic, records)
    p.close()
    assert [md.offset for md in metadata] == [0, 1, 2, 3]
    c = kp.consumer(shared_broker)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek(tp, 0)
    consumed = kp.poll_records(c, len(records))
    c.close()
    assert [(r.offset, r.key, r.value, r.headers) for r in consumed] == [
        (0, None, b"value-without-key", []),
        (1, b"key-without-value", None, []),
        (2, b"", b"", []),
        (3, b"k", b"v", [("a", b"1"), ("a", b"2"), ("empty", b"")]),
    ]


def test_gzip_round_trip(shared_broker, topic_name):
    topic = kp.create_topic(shared_broker, topic_name(), 1)
    p = kp.producer(shared_broker, acks="all", compression_type="gzip", linger_ms=20)
    metadata = kp.send_all(p, topic, [(b"k%d" % i, b"gzip payload %d" % i * 10) for i in range(300)])
    p.close()
    assert [md.offset for md in metadata] == list(range(300))
    c = kp.consumer(shared_broker)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    consumed = kp.poll_records(c, 300)
    c.close()
    assert [(r.offset, r.key, r.value) for r in consumed] == [(i, b"k%d" % i, b"gzip payload %d" % i * 10)
                                                              for i in range(300)]
