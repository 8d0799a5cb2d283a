"""Replication between three Gregor brokers, driven by confluent-kafka and raw requests: a topic with
replication factor 3 has one leader and two followers that copy its log; only the leader takes
produces and consumer fetches (NOT_LEADER_OR_FOLLOWER elsewhere); acks=all is answered once the ISR
has the write; a paused follower leaves the ISR after replica.lag.time.max.ms, acks=all is then
refused with NOT_ENOUGH_REPLICAS under min.insync.replicas, and the follower rejoins once it catches up."""

import os
import signal
import time
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

import ck
import kafka_wire as wire

NONE, NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS = 0, 6, 19
FETCH = 1
BASE = 1_700_000_000_000


def create_replicated(broker, name, config=None):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(name, 1, 3, config=config or {})])[name].result(timeout=30)
    return admin


def partition_state(admin, topic, timeout=20, want=None):
    """(leader, sorted ISR) of partition 0 as the cluster reports it, waiting until `want(leader, isr)`."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        metadata = admin.list_topics(topic, timeout=10).topics[topic]
        if metadata.error is None and 0 in metadata.partitions:
            p = metadata.partitions[0]
            state = (p.leader, sorted(p.isrs))
            if p.leader >= 0 and (want is None or want(*state)):
                return state
        time.sleep(0.2)
    raise AssertionError(f"partition 0 of {topic} never reached the wanted state; last seen {state}")


def segment_bytes(broker, topic):
    return sum(f.stat().st_size for f in Path(broker.data_dir, f"{topic}-0").glob("*.log"))


def raw_call(broker, frame_for):
    sock = wire.connect(broker.host, broker.port, timeout=15)
    try:
        sock.sendall(frame_for(7))
        correlation, body = wire.read_response(sock)
        assert correlation == 7
        return body
    finally:
        sock.close()


UNKNOWN_TOPIC_OR_PARTITION = 3


def raw_produce(broker, topic, acks=-1, timeout=10):
    """(error, base offset) of one record produced to partition 0; UNKNOWN_TOPIC_OR_PARTITION is retried
    for a while, since each broker learns of a new topic when it replays the metadata log."""
    batch = wire.record_batch([(b"k", b"raw")], BASE)
    deadline = time.monotonic() + timeout
    while True:
        body = raw_call(broker, lambda c: wire.request(wire.PRODUCE, 3, c, wire.produce_v3(topic, 0, batch, acks=acks)))
        [(_, _, error, base_offset, _)] = wire.decode_produce_v3(body)
        if error != UNKNOWN_TOPIC_OR_PARTITION or time.monotonic() > deadline:
            return error, base_offset
        time.sleep(0.1)


def test_followers_copy_the_leaders_log_and_acks_all_waits_for_them(quorum):
    admin = create_replicated(quorum[0], "replicated")
    leader, isr = partition_state(admin, "replicated")
    assert isr == [1, 2, 3]
    producer = ck.producer(quorum[0], acks="all", **{"enable.idempotence": True})
    records = [(f"k{i % 7}".encode(), f"value-{i}".encode()) for i in range(500)]
    assert len(ck.produce_all(producer, "replicated", records)) == 500

    # Every replica's segment files hold the same bytes once the followers caught up (they fetch on).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len({segment_bytes(b, "replicated") for b in quorum}) > 1:
        time.sleep(0.2)
    sizes = {b.node_id: segment_bytes(b, "replicated") for b in quorum}
    assert len(set(sizes.values())) == 1 and sizes[leader] > 0, sizes

    consumer = ck.consumer(quorum[1], **{"group.id": "replicated-readers", "auto.offset.reset": "earliest"})
    consumer.subscribe(["replicated"])
    got = ck.consume(consumer, 500)
    consumer.close()
    assert [m.value() for m in got] == [v for _, v in records]
    assert ck.watermarks(quorum[2], "replicated", 0) == (0, 500)


def test_only_the_leader_takes_produces_and_consumer_fetches(quorum):
    admin = create_replicated(quorum[0], "leader-only")
    leader, _ = partition_state(admin, "leader-only")
    leading = next(b for b in quorum if b.node_id == leader)
    follower = next(b for b in quorum if b.node_id != leader)
    assert raw_produce(leading, "leader-only") == (NONE, 0)
    error, _ = raw_produce(follower, "leader-only")
    assert error == NOT_LEADER_OR_FOLLOWER
    fetch = lambda c: wire.request(FETCH, 4, c, wire.fetch_v4([("leader-only", 0, 0, 1 << 20)], max_wait_ms=0))
    assert wire.decode_fetch_v4(raw_call(follower, fetch))[0][0] == NOT_LEADER_OR_FOLLOWER
    error, high_watermark, records = wire.decode_fetch_v4(raw_call(leading, fetch))[0]
    assert (error, high_watermark) == (NONE, 1) and records


@pytest.mark.broker_settings({"replica.lag.time.max.ms": "2000"})
def test_a_paused_follower_leaves_the_isr_and_rejoins(quorum):
    admin = create_replicated(quorum[0], "strict", config={"min.insync.replicas": "3"})
    leader, isr = partition_state(admin, "strict")
    assert isr == [1, 2, 3]
    leading = next(b for b in quorum if b.node_id == leader)
    paused = next(b for b in quorum if b.node_id != leader and b.node_id != admin_controller(admin))
    assert raw_produce(leading, "strict") == (NONE, 0)

    os.kill(paused.pid, signal.SIGSTOP)
    try:
        # A stalled follower that has everything stays in sync (Kafka's Replica.isCaughtUp): only once the
        # leader's log moves on without it does it fall behind for replica.lag.time.max.ms.
        assert raw_produce(leading, "strict", acks=1) == (NONE, 1)
        _, isr = partition_state(admin, "strict", timeout=20, want=lambda _, isr: paused.node_id not in isr)
        assert len(isr) == 2
        error, _ = raw_produce(leading, "strict")
        assert error == NOT_ENOUGH_REPLICAS
        assert raw_produce(leading, "strict", acks=1) == (NONE, 2)
    finally:
        os.kill(paused.pid, signal.SIGCONT)

    _, isr = partition_state(admin, "strict", timeout=30, want=lambda _, isr: isr == [1, 2, 3])
    error, base_offset = raw_produce(leading, "strict")
    assert (error, base_offset) == (NONE, 3)


def admin_controller(admin):
    """The controller's node id (pausing it would stop the ISR change from being committed)."""
    return admin.describe_cluster(request_timeout=10).result(timeout=15).controller.id


def test_describe_log_dirs_shows_each_replica_with_its_size_and_lag(quorum):
    """kafka-python's DescribeLogDirs against every broker: one log dir each (its data directory), the
    RF=3 partition on all three with the same size on disk as its segment files and no lag."""
    from kafka.admin import KafkaAdminClient

    admin = create_replicated(quorum[0], "sized")
    partition_state(admin, "sized", want=lambda _, isr: isr == [1, 2, 3])
    producer = ck.producer(quorum[0], acks="all")
    assert len(ck.produce_all(producer, "sized", [(None, b"v" * 100)] * 200)) == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len({segment_bytes(b, "sized") for b in quorum}) > 1:
        time.sleep(0.2)

    client = KafkaAdminClient(bootstrap_servers=[b.bootstrap for b in quorum])
    try:
        answers = client.describe_log_dirs({"sized": [0]})
    finally:
        client.close()
    assert sorted(a["broker"] for a in answers) == [1, 2, 3]
    for answer in answers:
        broker = next(b for b in quorum if b.node_id == answer["broker"])
        [log_dir] = answer["log_dirs"]
        assert log_dir["error_code"] == 0 and log_dir["log_dir"] == str(broker.data_dir)
        assert log_dir["total_bytes"] >= log_dir["usable_bytes"] > 0
        [topic] = log_dir["topics"]
        [partition] = topic["partitions"]
        assert (topic["name"], partition["partition_index"], partition["offset_lag"]) == ("sized", 0, 0)
        assert partition["partition_size"] == segment_bytes(broker, "sized") > 0


def test_pipelined_acks_all_produces_keep_their_order(quorum):
    """100 acks=all produces sent back to back on one connection to the leader: they wait for the ISR
    together, but are appended and answered in request order (base offsets 0..99, correlation ids in order)."""
    admin = create_replicated(quorum[0], "pipelined")
    leader, _ = partition_state(admin, "pipelined", want=lambda _, isr: isr == [1, 2, 3])
    leading = next(b for b in quorum if b.node_id == leader)
    assert raw_produce(leading, "pipelined") == (NONE, 0)
    batch = wire.record_batch([(b"k", b"pipelined")], BASE)
    sock = wire.connect(leading.host, leading.port, timeout=30)
    try:
        sock.sendall(b"".join(wire.request(wire.PRODUCE, 3, c, wire.produce_v3("pipelined", 0, batch, acks=-1)) for c in range(100)))
        answers = [wire.read_response(sock) for _ in range(100)]
    finally:
        sock.close()
    assert [correlation for correlation, _ in answers] == list(range(100))
    results = [wire.decode_produce_v3(body)[0] for _, body in answers]
    assert [(error, base_offset) for _, _, error, base_offset, _ in results] == [(NONE, 1 + i) for i in range(100)]
