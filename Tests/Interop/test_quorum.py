"""Three Gregor brokers form a KRaft-style metadata quorum (controller.quorum.voters): confluent-kafka sees
one cluster with three brokers and one controller, admin operations sent to any broker are forwarded to
the controller, and when the controller is killed or stopped another voter takes over with the metadata
intact. DescribeQuorum is read with the suite's own decoder."""

import time

import pytest
from confluent_kafka.admin import AdminClient

import ck
import kafka_wire as wire
from gregor_process import GregorBroker


def leader_of(brokers, exclude=(), timeout=15.0):
    """The leader every live broker other than `exclude` agrees on (itself not in `exclude`), waiting for
    one; with the quorum as each reports it."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = {b.node_id: wire.describe_quorum(b.host, b.port) for b in brokers if b.alive() and b.node_id not in exclude}
        leaders = {q["leader"] for q in seen.values()}
        if len(leaders) == 1 and not leaders & {-1, *exclude}:
            return leaders.pop(), seen
        time.sleep(0.1)
    raise AssertionError(f"no agreed leader within {timeout}s: {seen}")


def by_node(brokers, node_id):
    return next(b for b in brokers if b.node_id == node_id)


def test_three_voters_are_one_cluster(quorum):
    leader, described = leader_of(quorum)
    assert all(set(q["voters"]) == {1, 2, 3} for q in described.values())
    assert described[leader]["high_watermark"] > 0
    cluster_ids = set()
    for b in quorum:
        admin = AdminClient({"bootstrap.servers": b.bootstrap})
        # Each broker learns of the others' unfencing when it replays the metadata log, a moment after
        # the controller committed it (as in KRaft), so a broker that just became ready may lag briefly.
        deadline = time.monotonic() + 10
        metadata = admin.list_topics(timeout=10)
        while sorted(metadata.brokers) != [1, 2, 3] and time.monotonic() < deadline:
            time.sleep(0.1)
            metadata = admin.list_topics(timeout=10)
        assert sorted(metadata.brokers) == [1, 2, 3], f"node {b.node_id} lists {sorted(metadata.brokers)}"
        assert metadata.controller_id == leader
        cluster_ids.add(admin.describe_cluster(request_timeout=10).result(timeout=15).cluster_id)
    assert len(cluster_ids) == 1


def test_admin_operations_are_forwarded_to_the_controller(quorum):
    leader, _ = leader_of(quorum)
    follower = next(b for b in quorum if b.node_id != leader)
    ck.create_topic(follower, "forwarded", 3)
    deadline = time.monotonic() + 10
    for b in quorum:
        while True:
            topics = AdminClient({"bootstrap.servers": b.bootstrap}).list_topics(timeout=10).topics
            if "forwarded" in topics:
                assert len(topics["forwarded"].partitions) == 3
                break
            assert time.monotonic() < deadline, f"node {b.node_id} never learned the topic"
            time.sleep(0.1)


def test_a_killed_controller_is_replaced_and_catches_up_when_back(quorum):
    leader, _ = leader_of(quorum)
    killed = by_node(quorum, leader)
    killed.kill()
    started = time.monotonic()
    successor, _ = leader_of(quorum, exclude=(leader,), timeout=20)
    elected_after = time.monotonic() - started
    assert successor != leader
    print(f"new controller {successor} after {elected_after:.2f}s")
    survivor = by_node(quorum, successor)
    ck.create_topic(survivor, "after-failover", 2)

    killed.start()
    assert leader_of(quorum)[0] == successor  # a restarted voter follows; it does not take over
    deadline = time.monotonic() + 10
    while "after-failover" not in AdminClient({"bootstrap.servers": killed.bootstrap}).list_topics(timeout=10).topics:
        assert time.monotonic() < deadline, "the restarted broker never replayed the topic created while it was down"
        time.sleep(0.1)


def test_a_stopping_controller_hands_over_at_once(quorum):
    leader, _ = leader_of(quorum)
    stopping = by_node(quorum, leader)
    started = time.monotonic()
    assert stopping.stop() == 0
    successor, _ = leader_of(quorum, exclude=(leader,), timeout=20)
    handed_over_after = time.monotonic() - started
    print(f"new controller {successor} after {handed_over_after:.2f}s")
    # Without EndQuorumEpoch the others would wait for the fetch timeout (2 s) and then an election
    # timeout (1-2 s). With it the preferred successor stands at once; the second successor waits a short
    # backoff and now and then stands too, and that split vote costs one more round of backoff.
    assert handed_over_after < 3.0
