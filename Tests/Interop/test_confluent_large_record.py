"""confluent-kafka with a 1 MiB record: the topic's max.message.bytes, the producer's message.max.bytes
and the consumer's fetch sizes raised to fit, exact bytes back; and a record over the topic's limit
refused with MSG_SIZE_TOO_LARGE."""

import random

from confluent_kafka import KafkaError, TopicPartition

import ck

MIB = 1024 * 1024


def test_one_mib_record(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"max.message.bytes": str(2 * MIB)})
    big = random.Random(20240601).randbytes(MIB)
    p = ck.producer(shared_broker, **{"acks": "all", "message.max.bytes": 3 * MIB})
    delivered = ck.produce_all(p, topic, [
        (b"before", b"small"),
        (b"big", big, [("kind", b"large")]),
        (b"after", b"small too"),
    ])
    assert [m.offset() for m in delivered] == [0, 1, 2]
    c = ck.consumer(shared_broker, **{
        "fetch.max.bytes": 4 * MIB, "max.partition.fetch.bytes": 4 * MIB, "receive.message.max.bytes": 5 * MIB})
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, 3)
    c.close()
    assert [(m.offset(), m.key()) for m in consumed] == [(0, b"before"), (1, b"big"), (2, b"after")]
    assert len(consumed[1].value()) == MIB
    assert consumed[1].value() == big
    assert consumed[1].headers() == [("kind", b"large")]
    assert consumed[2].value() == b"small too"


def test_one_mib_record_with_default_fetch_sizes(shared_broker, topic_name):
    """A batch larger than max.partition.fetch.bytes is still returned when it is the first (KIP-74)."""
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"max.message.bytes": str(2 * MIB)})
    big = bytes(range(256)) * (MIB // 256)
    ck.produce_all(ck.producer(shared_broker, **{"message.max.bytes": 3 * MIB}), topic, [(b"big", big)])
    c = ck.consumer(shared_broker, **{"max.partition.fetch.bytes": 64 * 1024, "fetch.max.bytes": 128 * 1024,
                                      "message.max.bytes": 100_000})
    c.assign([TopicPartition(topic, 0, 0)])
    [m] = ck.consume(c, 1)
    c.close()
    assert (m.offset(), m.value()) == (0, big)


def test_record_over_topic_limit_is_refused(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"max.message.bytes": "100000"})
    p = ck.producer(shared_broker, **{"message.max.bytes": 3 * MIB, "retries": 0})
    deliveries = ck.Deliveries()
    p.produce(topic, key=b"k", value=b"x" * 200_000, on_delivery=deliveries)
    assert p.flush(30) == 0
    assert deliveries.ok == []
    [(error, key, _)] = deliveries.failed
    assert error.code() == KafkaError.MSG_SIZE_TOO_LARGE, error
    # Nothing was stored; the next record that fits takes offset 0.
    delivered = ck.produce_all(p, topic, [(b"k", b"x" * 50_000)])
    assert [m.offset() for m in delivered] == [0]
    assert ck.watermarks(shared_broker, topic, 0) == (0, 1)
