"""kafka-python helpers: clients aimed at one broker and bounded consumption."""

import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic


def admin(broker):
    return KafkaAdminClient(bootstrap_servers=broker.bootstrap, request_timeout_ms=15000)


def create_topic(broker, name, partitions=1, config=None):
    a = admin(broker)
    try:
        a.create_topics([NewTopic(name, partitions, 1, topic_configs=config or {})])
    finally:
        a.close()
    return name


def producer(broker, **conf):
    return KafkaProducer(bootstrap_servers=broker.bootstrap, **conf)


def consumer(broker, **conf):
    """A consumer without a group, for assign()."""
    conf.setdefault("enable_auto_commit", False)
    return KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None, **conf)


def send_all(p, topic, records, timeout=60):
    """Sends (key, value[, headers[, partition[, timestamp_ms]]]); returns RecordMetadata in send order."""
    futures = []
    for record in records:
        key, value, *rest = record
        kwargs = {}
        if len(rest) > 0 and rest[0] is not None:
            kwargs["headers"] = rest[0]
        if len(rest) > 1 and rest[1] is not None:
            kwargs["partition"] = rest[1]
        if len(rest) > 2 and rest[2] is not None:
            kwargs["timestamp_ms"] = rest[2]
        futures.append(p.send(topic, key=key, value=value, **kwargs))
    p.flush(timeout)
    return [f.get(timeout=timeout) for f in futures]


def poll_records(c, count, timeout=30):
    """Polls until `count` records arrived; fails after `timeout`."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        for records in c.poll(timeout_ms=500, max_records=5000).values():
            got += records
    assert len(got) >= count, f"consumed {len(got)} of {count} within {timeout}s"
    return got


def poll_for(c, seconds):
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for records in c.poll(timeout_ms=100).values():
            got += records
    return got


def range_assignors():
    """kafka-python's range assignor only (its default also offers roundrobin)."""
    from kafka.coordinator.assignors.range import RangePartitionAssignor
    return [RangePartitionAssignor]
