"""Kafka's error codes for group misuse, through raw requests (group_wire.py): session timeouts out of
range, the KIP-394 member-id handshake, heartbeats with a wrong generation or an unknown member, a
heartbeat during a rebalance, commits to unknown topics, and KIP-345 static members fencing their
predecessor."""

import threading

import pytest

import ck
import group_wire as gw
from group_wire import GroupConnection, consumer_assignment, consumer_subscription
from groups import committed_offsets


def join(conn, group, version=5, **kwargs):
    """A complete dynamic join (MEMBER_ID_REQUIRED, then the join with the given id): the JoinGroup answer."""
    first = conn.join_group(group, version=version, **kwargs)
    assert first["error"] == gw.MEMBER_ID_REQUIRED, first
    return conn.join_group(group, member_id=first["member_id"], version=version, **kwargs)


def stable_member(conn, group, **kwargs):
    """Joins and syncs a single member as leader (all of topic t's partition 0): (member_id, generation)."""
    joined = join(conn, group, **kwargs)
    assert joined["error"] == gw.NONE, joined
    member = joined["member_id"]
    error, assignment = conn.sync_group(group, joined["generation"], member, {member: consumer_assignment({"t": [0]})},
                                        instance_id=kwargs.get("instance_id"))
    assert (error, assignment) == (gw.NONE, consumer_assignment({"t": [0]}))
    return member, joined["generation"]


def test_session_timeout_out_of_range(group_broker, topic_name):
    group = topic_name()
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        assert conn.find_coordinator(group) == (gw.NONE, 1, "127.0.0.1", group_broker.port)
        below = conn.join_group(group, session_timeout_ms=5999)  # group.min.session.timeout.ms is 6000
        above = conn.join_group(group, session_timeout_ms=1_800_001)  # group.max.session.timeout.ms
        assert (below["error"], below["member_id"]) == (gw.INVALID_SESSION_TIMEOUT, "")
        assert (above["error"], above["member_id"]) == (gw.INVALID_SESSION_TIMEOUT, "")
        assert conn.join_group(group, session_timeout_ms=6000)["error"] == gw.MEMBER_ID_REQUIRED


@pytest.mark.parametrize("version", [4, 5])
def test_member_id_required_then_join(group_broker, topic_name, version):
    group = topic_name()
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        first = conn.join_group(group, version=version, topics=["t"])
        assert first["error"] == gw.MEMBER_ID_REQUIRED
        assert first["member_id"].startswith("gregor-interop-") and first["generation"] == -1
        joined = conn.join_group(group, member_id=first["member_id"], version=version, topics=["t"])
        assert (joined["error"], joined["generation"], joined["protocol"], joined["leader"], joined["member_id"]) == \
            (gw.NONE, 1, "range", first["member_id"], first["member_id"])
        assert joined["members"] == [(first["member_id"], None, consumer_subscription(["t"]))]


def test_heartbeat_errors(group_broker, topic_name):
    group = topic_name()
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        member, generation = stable_member(conn, group)
        assert generation == 1
        assert conn.heartbeat(group, 1, member) == gw.NONE
        assert conn.heartbeat(group, 2, member) == gw.ILLEGAL_GENERATION
        assert conn.heartbeat(group, 0, member) == gw.ILLEGAL_GENERATION
        assert conn.heartbeat(group, 1, "no-such-member") == gw.UNKNOWN_MEMBER_ID
        assert conn.heartbeat(topic_name("-unknown"), 1, member) == gw.UNKNOWN_MEMBER_ID
        assert conn.heartbeat(group, 1, member) == gw.NONE  # still a member after all that
        assert conn.leave_group(group, [("no-such-member", None)]) == \
            (gw.NONE, [("no-such-member", None, gw.UNKNOWN_MEMBER_ID)])


def test_heartbeat_during_a_rebalance_says_rejoin(group_broker, topic_name):
    group = topic_name()
    with GroupConnection(group_broker) as first, GroupConnection(group_broker) as second:
        first.wait_coordinator(group)
        member, generation = stable_member(first, group)
        pending = second.join_group(group)
        assert pending["error"] == gw.MEMBER_ID_REQUIRED
        answers = {}
        newcomer = threading.Thread(target=lambda: answers.setdefault(
            "second", second.join_group(group, member_id=pending["member_id"])))
        newcomer.start()  # held by the broker until the first member rejoins
        try:
            for _ in range(100):
                error = first.heartbeat(group, generation, member)
                if error != gw.NONE:
                    break
            assert error == gw.REBALANCE_IN_PROGRESS
            rejoined = first.join_group(group, member_id=member)
        finally:
            newcomer.join(20)
        other = answers["second"]
        assert (rejoined["error"], other["error"]) == (gw.NONE, gw.NONE)
        assert rejoined["generation"] == other["generation"] == generation + 1
        assert rejoined["leader"] == other["leader"] == member  # the leader that rejoined stays leader
        assert sorted(m for m, _, _ in rejoined["members"]) == sorted([member, pending["member_id"]])
        assert other["members"] == []
        assert first.heartbeat(group, generation, member) == gw.ILLEGAL_GENERATION


def test_offset_commit_to_unknown_topic_or_partition(group_broker, topic_name):
    group = topic_name("-group")
    known = ck.create_topic(group_broker, topic_name(), 2)
    unknown = topic_name("-missing")
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        result = conn.offset_commit(group, {(known, 0): 3, (known, 7): 4, (unknown, 0): 5})
    assert result == {(known, 0): gw.NONE, (known, 7): gw.UNKNOWN_TOPIC_OR_PARTITION,
                      (unknown, 0): gw.UNKNOWN_TOPIC_OR_PARTITION}
    assert committed_offsets(group_broker, group) == {(known, 0): 3}


def test_static_member_fences_its_predecessor(group_broker, topic_name):
    group = topic_name()
    topic = ck.create_topic(group_broker, topic_name("-topic"), 1)
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        # A static member joins without the MEMBER_ID_REQUIRED round trip (KIP-345).
        joined = conn.join_group(group, instance_id="static-1")
        assert (joined["error"], joined["generation"]) == (gw.NONE, 1)
        old = joined["member_id"]
        assert joined["members"] == [(old, "static-1", consumer_subscription(["t"]))]
        synced = conn.sync_group(group, 1, old, {old: consumer_assignment({"t": [0]})}, instance_id="static-1")
        assert synced == (gw.NONE, consumer_assignment({"t": [0]}))
        assert conn.heartbeat(group, 1, old, instance_id="static-1") == gw.NONE

        # The same instance id again (a restarted process): a new member id, same generation, no rebalance.
        again = conn.join_group(group, instance_id="static-1")
        new = again["member_id"]
        assert (again["error"], again["generation"], again["protocol"]) == (gw.NONE, 1, "range")
        assert new != old
        assert conn.heartbeat(group, 1, old, instance_id="static-1") == gw.FENCED_INSTANCE_ID
        assert conn.offset_commit(group, {(topic, 0): 1}, generation=1, member_id=old, instance_id="static-1") == \
            {(topic, 0): gw.FENCED_INSTANCE_ID}
        assert conn.offset_commit(group, {(topic, 0): 1}, generation=1, member_id=new, instance_id="static-1") == \
            {(topic, 0): gw.NONE}
        assert conn.heartbeat(group, 1, new, instance_id="static-1") == gw.NONE
        # The new member keeps the assignment of the old one.
        assert conn.sync_group(group, 1, new, instance_id="static-1") == (gw.NONE, consumer_assignment({"t": [0]}))
