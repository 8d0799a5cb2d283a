"""confluent-kafka AdminClient against Gregor: create and delete topics, Kafka's error codes for bad
requests, validate_only, create_partitions."""

from confluent_kafka import KafkaError
from confluent_kafka.admin import NewPartitions, NewTopic

import ck


def topics(broker):
    """Topic name → partition count, from a Metadata request for all topics (which auto-creates nothing)."""
    a = ck.admin(broker)
    meta = a.list_topics(timeout=10)
    return {name: len(t.partitions) for name, t in meta.topics.items()}


def test_create_and_delete(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    names = [topic_name("-a"), topic_name("-b")]
    futures = a.create_topics([NewTopic(names[0], 3, 1), NewTopic(names[1], 1, 1)])
    for name in names:
        assert futures[name].result(timeout=15) is None
    meta = a.list_topics(timeout=10)
    assert len(meta.topics[names[0]].partitions) == 3
    assert len(meta.topics[names[1]].partitions) == 1
    for p in meta.topics[names[0]].partitions.values():
        assert (p.leader, p.replicas, p.isrs, p.error) == (1, [1], [1], None)

    deleted = a.delete_topics([names[0]])
    assert deleted[names[0]].result(timeout=15) is None
    now = topics(shared_broker)
    assert names[0] not in now
    assert now[names[1]] == 1


def test_create_with_broker_defaults(shared_broker, topic_name):
    """num_partitions and replication_factor -1 mean the broker's defaults (num.partitions=1)."""
    name = topic_name()
    a = ck.admin(shared_broker)
    assert a.create_topics([NewTopic(name, -1, -1)])[name].result(timeout=15) is None
    assert topics(shared_broker)[name] == 1


def test_topic_already_exists(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 2)
    error = ck.kafka_error(a.create_topics([NewTopic(name, 4, 1)])[name])
    assert error.code() == KafkaError.TOPIC_ALREADY_EXISTS
    assert topics(shared_broker)[name] == 2


def test_invalid_replication_factor(shared_broker, topic_name):
    name = topic_name()
    a = ck.admin(shared_broker)
    error = ck.kafka_error(a.create_topics([NewTopic(name, 1, 3)])[name])
    assert error.code() == KafkaError.INVALID_REPLICATION_FACTOR
    assert name not in topics(shared_broker)


def test_invalid_config(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    cases = {
        topic_name("-unknown"): {"no.such.config": "1"},
        topic_name("-notlong"): {"retention.ms": "abc"},
        topic_name("-policy"): {"cleanup.policy": "bogus"},
        topic_name("-tstype"): {"message.timestamp.type": "WallClock"},
    }
    futures = a.create_topics([NewTopic(name, 1, 1, config=config) for name, config in cases.items()])
    for name in cases:
        assert ck.kafka_error(futures[name]).code() == KafkaError.INVALID_CONFIG, name
    existing = topics(shared_broker)
    assert not set(cases) & set(existing)


def test_validate_only(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    good, bad = topic_name("-good"), topic_name("-bad")
    futures = a.create_topics([NewTopic(good, 3, 1), NewTopic(bad, 1, 3)], validate_only=True)
    assert futures[good].result(timeout=15) is None
    assert ck.kafka_error(futures[bad]).code() == KafkaError.INVALID_REPLICATION_FACTOR
    assert good not in topics(shared_broker)
    # An existing name fails validation too.
    ck.create_topic(shared_broker, good, 1)
    again = a.create_topics([NewTopic(good, 1, 1)], validate_only=True)[good]
    assert ck.kafka_error(again).code() == KafkaError.TOPIC_ALREADY_EXISTS


def test_delete_unknown_topic(shared_broker, topic_name):
    name = topic_name()
    a = ck.admin(shared_broker)
    error = ck.kafka_error(a.delete_topics([name])[name])
    assert error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_recreate_after_delete_starts_empty(shared_broker, topic_name):
    name = ck.create_topic(shared_broker, topic_name(), 1)
    p = ck.producer(shared_broker)
    ck.produce_all(p, name, [(b"k", b"old-%d" % i) for i in range(5)])
    a = ck.admin(shared_broker)
    assert a.delete_topics([name])[name].result(timeout=15) is None
    ck.create_topic(shared_broker, name, 1)
    assert ck.watermarks(shared_broker, name, 0) == (0, 0)
    delivered = ck.produce_all(ck.producer(shared_broker), name, [(b"k", b"new")])
    assert [m.offset() for m in delivered] == [0]
    c = ck.consumer(shared_broker)
    from confluent_kafka import TopicPartition
    c.assign([TopicPartition(name, 0, 0)])
    assert [m.value() for m in ck.consume(c, 1)] == [b"new"]
    c.close()


def test_create_partitions(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 2)
    assert a.create_partitions([NewPartitions(name, 5)])[name].result(timeout=15) is None
    assert topics(shared_broker)[name] == 5
    # The new partitions take writes.
    delivered = ck.produce_all(ck.producer(shared_broker), name, [(b"k", b"v", None, 4), (b"k", b"w", None, 4)])
    assert [(m.partition(), m.offset()) for m in delivered] == [(4, 0), (4, 1)]


def test_create_partitions_errors(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 3)
    assert ck.kafka_error(a.create_partitions([NewPartitions(name, 2)])[name]).code() == KafkaError.INVALID_PARTITIONS
    assert ck.kafka_error(a.create_partitions([NewPartitions(name, 3)])[name]).code() == KafkaError.INVALID_PARTITIONS
    missing = topic_name("-missing")
    assert ck.kafka_error(a.create_partitions([NewPartitions(missing, 3)])[missing]).code() \
        == KafkaError.UNKNOWN_TOPIC_OR_PART
    # validate_only changes nothing.
    assert a.create_partitions([NewPartitions(name, 6)], validate_only=True)[name].result(timeout=15) is None
    assert topics(shared_broker)[name] == 3
