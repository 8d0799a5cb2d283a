"""Produce errors as Kafka answers them, over raw Produce v3 requests and through librdkafka: unknown
topic or partition, bad acks, an old-format batch, min.insync.replicas above the ISR with acks=all,
a batch larger than segment.bytes."""

import pytest
from confluent_kafka import KafkaError

import ck
import kafka_wire as wire

UNKNOWN_TOPIC_OR_PARTITION = 3
RECORD_LIST_TOO_LARGE = 18
INVALID_REQUIRED_ACKS = 21
INVALID_RECORD = 87
BASE = 1_700_000_000_000


def produce(broker, topic, partition, records_bytes, acks=-1):
    with wire.connect(broker.host, broker.port) as sock:
        sock.sendall(wire.request(wire.PRODUCE, 3, 5, wire.produce_v3(topic, partition, records_bytes, acks=acks)))
        correlation, body = wire.read_response(sock)
    assert correlation == 5
    [(name, got_partition, error, base_offset, _)] = wire.decode_produce_v3(body)
    assert (name, got_partition) == (topic, partition)
    return error, base_offset


def one_record():
    return wire.record_batch([(b"k", b"v")], BASE)


def test_unknown_partition_and_topic(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    assert produce(shared_broker, topic, 7, one_record()) == (UNKNOWN_TOPIC_OR_PARTITION, -1)
    missing = topic_name("-missing")
    assert produce(shared_broker, missing, 0, one_record()) == (UNKNOWN_TOPIC_OR_PARTITION, -1)
    a = ck.admin(shared_broker)
    assert missing not in a.list_topics(timeout=10).topics, "Produce must not auto-create topics"


@pytest.mark.parametrize("acks", [2, -2, 5])
def test_invalid_required_acks(shared_broker, topic_name, acks):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    assert produce(shared_broker, topic, 0, one_record(), acks=acks)[0] == INVALID_REQUIRED_ACKS
    assert ck.watermarks(shared_broker, topic, 0) == (0, 0)


def test_old_magic_is_invalid_record(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    batch = bytearray(one_record())
    batch[16] = 1  # magic 1 in a v2-shaped batch: Produce v3+ carries magic 2 only
    assert produce(shared_broker, topic, 0, bytes(batch))[0] == INVALID_RECORD
    assert ck.watermarks(shared_broker, topic, 0) == (0, 0)


def test_min_insync_replicas_above_the_replication_factor_is_capped(shared_broker, topic_name):
    """One replica, min.insync.replicas=2: Kafka 3.7+ caps it at the replication factor
    (Partition.effectiveMinIsr), so acks=all and acks=1 are both taken. NOT_ENOUGH_REPLICAS needs a
    follower that left the ISR: test_replication.py."""
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"min.insync.replicas": "2"})
    assert produce(shared_broker, topic, 0, one_record(), acks=-1) == (0, 0)
    assert produce(shared_broker, topic, 0, one_record(), acks=1) == (0, 1)
    assert ck.watermarks(shared_broker, topic, 0) == (0, 2)


def test_batch_larger_than_segment_bytes(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1, config={"segment.bytes": "2000"})
    big = wire.record_batch([(b"k", b"x" * 1000), (b"k", b"y" * 1000)], BASE)
    assert produce(shared_broker, topic, 0, big)[0] == RECORD_LIST_TOO_LARGE
    # librdkafka sees the same error in its delivery report.
    p = ck.producer(shared_broker, **{"linger.ms": 50, "retries": 0})
    deliveries = ck.Deliveries()
    for _ in range(20):
        p.produce(topic, value=b"z" * 200, partition=0, on_delivery=deliveries)
    assert p.flush(30) == 0
    assert {e.code() for e, _, _ in deliveries.failed} == {KafkaError.MSG_SIZE_TOO_LARGE} or \
        {e.code() for e, _, _ in deliveries.failed} == {KafkaError.RECORD_LIST_TOO_LARGE}
    assert ck.watermarks(shared_broker, topic, 0) == (0, 0)


def test_acks_zero_success_is_not_answered(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(wire.request(wire.PRODUCE, 3, 1, wire.produce_v3(topic, 0, one_record(), acks=0)))
        sock.sendall(wire.api_versions_request(0, 2))
        correlation, _ = wire.read_response(sock)
        assert correlation == 2, "the first answer on the connection should be the ApiVersions one"
    assert ck.watermarks(shared_broker, topic, 0) == (0, 1)


@pytest.mark.parametrize("case", ["unknown-partition", "bad-crc"])
def test_acks_zero_failure_closes_the_connection(shared_broker, topic_name, case):
    """With acks=0 there is no answer to carry the error, so Kafka closes the connection: the producer
    notices, refreshes its metadata and reconnects (KafkaApis.handleProduceRequest)."""
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    batch = bytearray(one_record())
    partition = 0
    if case == "unknown-partition":
        partition = 5
    else:
        batch[-2] ^= 0xFF
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(wire.request(wire.PRODUCE, 3, 1, wire.produce_v3(topic, partition, bytes(batch), acks=0)))
        closed, received = wire.wait_closed(sock, 5)
    assert (closed, received) == (True, b"")
    assert ck.watermarks(shared_broker, topic, 0) == (0, 0)
