"""confluent-kafka (librdkafka) helpers: clients aimed at one broker, topic creation, bounded consumption."""

import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def admin(broker, **conf):
    return AdminClient({"bootstrap.servers": broker.bootstrap, **conf})


def create_topic(broker, name, partitions=1, config=None, timeout=15):
    a = admin(broker)  # a temporary client would be destroyed before its future resolves
    a.create_topics([NewTopic(name, partitions, 1, config=config or {})])[name].result(timeout=timeout)
    return name


def kafka_error(future, timeout=15):
    """The KafkaError a future fails with; fails the test when it succeeds."""
    try:
        result = future.result(timeout=timeout)
    except KafkaException as exc:
        return exc.args[0]
    raise AssertionError(f"expected an error, got {result!r}")


def producer(broker, **conf):
    return Producer({"bootstrap.servers": broker.bootstrap, **conf})


def consumer(broker, **conf):
    """A consumer used by assign() only: librdkafka insists on a group.id, but nothing joins or commits."""
    return Consumer({
        "bootstrap.servers": broker.bootstrap, "group.id": "gregor-interop-assign-only",
        "enable.auto.commit": False, "enable.auto.offset.store": False, **conf})


class Deliveries:
    """Collects delivery reports: (error, topic, partition, offset, key, value, timestamp)."""

    def __init__(self):
        self.ok = []
        self.failed = []

    def __call__(self, error, msg):
        if error is not None:
            self.failed.append((error, msg.key(), msg.value()))
        else:
            self.ok.append(msg)


def produce_all(p, topic, records, timeout=60, **kwargs):
    """Produces (key, value[, headers[, partition[, timestamp]]]) tuples; returns the delivery reports
    in delivery order. Fails when any is not delivered within `timeout`."""
    deliveries = Deliveries()
    for record in records:
        key, value, *rest = record
        extra = dict(kwargs)
        if len(rest) > 0 and rest[0] is not None:
            extra["headers"] = rest[0]
        if len(rest) > 1 and rest[1] is not None:
            extra["partition"] = rest[1]
        if len(rest) > 2 and rest[2] is not None:
            extra["timestamp"] = rest[2]
        while True:
            try:
                p.produce(topic, key=key, value=value, on_delivery=deliveries, **extra)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
    remaining = p.flush(timeout)
    assert remaining == 0, f"{remaining} records not delivered within {timeout}s"
    assert not deliveries.failed, f"{len(deliveries.failed)} failed deliveries, first: {deliveries.failed[0]}"
    return deliveries.ok


def consume(c, count, timeout=30, allow_errors=False):
    """Polls until `count` messages arrived (or `timeout` passed; then fails). Message errors fail the
    test unless `allow_errors` (then they are returned in the list as messages whose .error() is set)."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        for msg in c.consume(num_messages=min(1000, count - len(got)), timeout=0.5):
            if msg.error() is not None:
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                if not allow_errors:
                    raise AssertionError(f"consumer error: {msg.error()}")
            got.append(msg)
    assert len(got) >= count, f"consumed {len(got)} of {count} within {timeout}s"
    return got


def consume_nothing(c, seconds):
    """Polls for `seconds` and returns whatever arrived (messages and errors)."""
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        msg = c.poll(min(0.2, max(0.01, deadline - time.monotonic())))
        if msg is not None and not (msg.error() and msg.error().code() == KafkaError._PARTITION_EOF):
            got.append(msg)
    return got


def watermarks(broker, topic, partition, timeout=10):
    c = consumer(broker)
    try:
        return c.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout, cached=False)
    finally:
        c.close()
