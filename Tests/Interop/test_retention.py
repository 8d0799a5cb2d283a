"""Segments and retention as Kafka does them: segment.bytes rolls segments named by their 20-digit base
offset; retention.bytes deletes whole old segments (never the active one), advances the log start offset,
and a consumer below it resets to the new start."""

import os
import time

from confluent_kafka import TopicPartition

import ck
import segments


def test_roll_and_retention_by_bytes(broker_factory):
    b = broker_factory(settings={"log.retention.check.interval.ms": "300"})
    topic = ck.create_topic(b, "retained", 1, config={"segment.bytes": "2000", "retention.bytes": "5000"})
    # A record per request keeps every batch far under segment.bytes.
    p = ck.producer(b, **{"linger.ms": 0, "batch.size": 1000})
    ck.produce_all(p, topic, [(None, b"%03d" % i + b"y" * 200) for i in range(100)])

    deadline = time.monotonic() + 20
    while ck.watermarks(b, topic, 0)[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    low, high = ck.watermarks(b, topic, 0)
    assert high == 100
    assert low > 0, "retention never ran"

    files = segments.log_files(b.data_dir, topic, 0)
    names = [os.path.basename(f) for f in files]
    assert all(len(n) == len("00000000000000000000.log") and n[:20].isdigit() for n in names), names
    bases = [int(n[:20]) for n in names]
    assert bases[0] == low, "the log starts at the oldest remaining segment"
    sizes = [os.path.getsize(f) for f in files]
    assert all(size <= 2000 for size in sizes[:-1])
    # Kafka's rule: delete the oldest segment while the log stays at or above retention.bytes without it.
    total = sum(sizes)
    assert len(files) == 1 or total - sizes[0] < 5000, (sizes, total)
    for f, base in zip(files, bases):
        first = segments.read_batches(f)[0]
        assert first.base_offset == base

    c = ck.consumer(b, **{"auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, high - low)
    c.close()
    assert [(m.offset(), m.value()[:3]) for m in consumed] == [(o, b"%03d" % o) for o in range(low, high)]

    # The log start survives a crash.
    b.restart(clean=False)
    assert ck.watermarks(b, topic, 0) == (low, high)
