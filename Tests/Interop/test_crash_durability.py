"""kill -9 while a producer with acks=all streams: after a restart on the same data dir, every
acknowledged record is readable at its acknowledged offset with its value, and new writes follow on.
Run with the default flush policy (left to the OS, as Kafka) and with --fsync always."""

import time

import pytest
from confluent_kafka import TopicPartition

import ck

PARTITIONS = 3
KILL_AFTER_ACKS = 3000
STREAM_LIMIT_S = 60


def read_partition(broker, topic, partition):
    """Every record of one partition, offset → (key, value), read up to the high watermark."""
    low, high = ck.watermarks(broker, topic, partition)
    assert low == 0
    if high == 0:
        return {}, high
    c = ck.consumer(broker)
    c.assign([TopicPartition(topic, partition, 0)])
    records = ck.consume(c, high, timeout=60)
    c.close()
    return {m.offset(): (m.key(), m.value()) for m in records}, high


@pytest.mark.parametrize("fsync", [None, "always"], ids=["fsync-os", "fsync-always"])
def test_acknowledged_records_survive_kill_9(broker_factory, fsync):
    b = broker_factory(fsync=fsync)
    topic = ck.create_topic(b, "crash", PARTITIONS)
    acked = []      # (partition, offset, key, value)
    failed = []

    def on_delivery(error, msg):
        if error is None:
            acked.append((msg.partition(), msg.offset(), msg.key(), msg.value()))
        else:
            failed.append(error)

    p = ck.producer(b, **{"acks": "all", "linger.ms": 2, "message.timeout.ms": 4000,
                          "reconnect.backoff.max.ms": 200, "queue.buffering.max.messages": 20000})
    killed_at = None
    sent = 0
    deadline = time.monotonic() + STREAM_LIMIT_S
    while time.monotonic() < deadline:
        try:
            p.produce(topic, key=b"key-%d" % (sent % 31), value=b"value-%d" % sent, on_delivery=on_delivery)
            sent += 1
        except BufferError:
            p.poll(0.01)
        p.poll(0)
        if killed_at is None and len(acked) >= KILL_AFTER_ACKS:
            b.kill()  # mid-stream: requests are in flight, more are queued
            killed_at = len(acked)
            stop_sending_at = sent + 2000
        if killed_at is not None and sent >= stop_sending_at:
            break
    assert killed_at is not None, f"only {len(acked)} acks within {STREAM_LIMIT_S}s"
    p.flush(15)  # what was not acknowledged before the kill times out now
    assert len(acked) + len(failed) == sent, "every record should be settled either way"
    assert failed, "the kill should have caught records in flight"
    in_flight_acks = len(acked) - killed_at
    print(f"sent {sent}, acked {len(acked)} ({in_flight_acks} after the kill), failed {len(failed)}")
    del p

    b.start()
    assert "cleanShutdown=false" in b.run_log()
    for partition in range(PARTITIONS):
        stored, high = read_partition(b, topic, partition)
        mine = [(offset, key, value) for part, offset, key, value in acked if part == partition]
        assert mine, f"no acknowledged record in partition {partition}"
        assert high > max(offset for offset, _, _ in mine)
        lost = [(offset, value) for offset, key, value in mine if stored.get(offset) != (key, value)]
        assert not lost, (f"partition {partition}: {len(lost)} acknowledged records missing or changed after "
                          f"kill -9, first {lost[:5]} (acks after the kill: {in_flight_acks})")

    # The restarted broker takes writes at the recovered log end.
    ends = {part: ck.watermarks(b, topic, part)[1] for part in range(PARTITIONS)}
    after = ck.produce_all(ck.producer(b, acks="all"), topic, [(b"k", b"after", None, 0)])
    assert [(m.partition(), m.offset()) for m in after] == [(0, ends[0])]
