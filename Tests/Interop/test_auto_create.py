"""Topic auto-creation on Metadata (auto.create.topics.enable, default true as in Kafka) with the broker's
num.partitions, and what happens when it is off or the name is invalid."""

from confluent_kafka import KafkaError

import ck


def test_produce_to_a_new_topic_creates_it(broker_factory):
    b = broker_factory(settings={"num.partitions": "3"})
    delivered = ck.produce_all(ck.producer(b, acks="all"), "born-on-produce", [(b"k%d" % i, b"v") for i in range(30)])
    assert len(delivered) == 30
    a = ck.admin(b)
    meta = a.list_topics(timeout=10)
    assert len(meta.topics["born-on-produce"].partitions) == 3
    assert {m.partition() for m in delivered} == {0, 1, 2}


def test_metadata_request_creates_the_topic(shared_broker, topic_name):
    name = topic_name()
    a = ck.admin(shared_broker)
    meta = a.list_topics(topic=name, timeout=10)
    assert meta.topics[name].error is None or meta.topics[name].error.code() == KafkaError.LEADER_NOT_AVAILABLE
    assert name in a.list_topics(timeout=10).topics
    assert len(a.list_topics(timeout=10).topics[name].partitions) == 1


def test_auto_create_disabled(broker_factory):
    b = broker_factory(settings={"auto.create.topics.enable": "false"})
    a = ck.admin(b)
    meta = a.list_topics(topic="not-there", timeout=10)
    assert meta.topics["not-there"].error is not None
    assert meta.topics["not-there"].error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART
    assert "not-there" not in a.list_topics(timeout=10).topics
    p = ck.producer(b, **{"message.timeout.ms": 2000})
    deliveries = ck.Deliveries()
    p.produce("not-there", value=b"x", on_delivery=deliveries)
    p.flush(10)
    assert deliveries.ok == []
    assert [e.code() for e, _, _ in deliveries.failed] in (
        [KafkaError.UNKNOWN_TOPIC_OR_PART], [KafkaError._MSG_TIMED_OUT], [KafkaError._UNKNOWN_TOPIC])
    # Creating it explicitly still works.
    ck.create_topic(b, "not-there", 1)
    assert ck.produce_all(ck.producer(b), "not-there", [(None, b"x")])[0].offset() == 0


def test_invalid_topic_names(shared_broker):
    from confluent_kafka.admin import NewTopic
    a = ck.admin(shared_broker)
    bad = ["bad/name", "x" * 250, "..", "with space"]
    futures = a.create_topics([NewTopic(name, 1, 1) for name in bad])
    for name in bad:
        assert ck.kafka_error(futures[name]).code() == KafkaError.TOPIC_EXCEPTION, name
    meta = a.list_topics(topic="bad/name", timeout=10)
    assert meta.topics["bad/name"].error is not None
    assert meta.topics["bad/name"].error.code() == KafkaError.TOPIC_EXCEPTION
    assert not set(bad) & set(a.list_topics(timeout=10).topics)


def test_metadata_v4_allow_auto_topic_creation_flag(shared_broker, topic_name):
    """Metadata v4+ carries allow_auto_topic_creation: false never creates (consumers send false)."""
    import kafka_wire as wire
    name = topic_name()

    def ask(allow):
        with wire.connect(shared_broker.host, shared_broker.port) as sock:
            sock.sendall(wire.request(wire.METADATA, 4, 3, wire.metadata_v4([name], allow)))
            correlation, body = wire.read_response(sock)
        assert correlation == 3
        return wire.decode_metadata_v4_topics(body)

    assert ask(False) == [(name, KafkaError.UNKNOWN_TOPIC_OR_PART, 0)]
    created = ask(True)
    assert created in ([(name, KafkaError.LEADER_NOT_AVAILABLE, 0)], [(name, 0, 1)]), created
    assert ask(False) == [(name, 0, 1)]
