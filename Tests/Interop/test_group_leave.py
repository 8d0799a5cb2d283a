"""The last member's LeaveGroup empties the group at once, as in Kafka (whose prepareRebalance completes
the join straight away when every remaining member, here none, has joined): right after the answer a new
member is welcome with any protocol, DeleteGroups succeeds, and a crash does not bring the member back.
During a new group's initial rebalance delay the group stays PreparingRebalance without members, and a
new member is welcome there too (Kafka: every protocol is supported by all of zero members)."""

import threading

from confluent_kafka import ConsumerGroupState

import ck
import group_wire as gw
from group_wire import GroupConnection, consumer_assignment
from groups import NO_INITIAL_DELAY, wait_until


def join_and_leave(conn, group):
    """One member joins (range), syncs and leaves; returns its member id."""
    first = conn.join_group(group)
    joined = conn.join_group(group, member_id=first["member_id"])
    member = joined["member_id"]
    assert (joined["error"], joined["generation"]) == (gw.NONE, 1)
    assert conn.sync_group(group, 1, member, {member: consumer_assignment({"t": [0]})})[0] == gw.NONE
    assert conn.leave_group(group, [(member, None)]) == (gw.NONE, [(member, None, gw.NONE)])
    return member


def test_a_new_member_joins_right_after_the_last_one_left(group_broker, topic_name):
    group = topic_name()
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        join_and_leave(conn, group)
        # An Empty group takes any protocol: here one the previous member did not even offer.
        again = conn.join_group(group, protocols=("roundrobin",))
        assert again["error"] == gw.MEMBER_ID_REQUIRED, \
            f"JoinGroup right after the last LeaveGroup: error {again['error']} (23 is INCONSISTENT_GROUP_PROTOCOL)"


def test_delete_right_after_the_last_member_left(group_broker, topic_name):
    group = topic_name()
    admin = ck.admin(group_broker)
    assert admin.describe_consumer_groups([group])[group].result(timeout=15).state == ConsumerGroupState.DEAD
    with GroupConnection(group_broker) as conn:
        conn.wait_coordinator(group)
        join_and_leave(conn, group)
    described = admin.describe_consumer_groups([group])[group].result(timeout=15)
    assert (described.state, described.members) == (ConsumerGroupState.EMPTY, [])
    assert admin.delete_consumer_groups([group])[group].result(timeout=15) is None


def test_a_new_member_joins_after_the_only_one_left_during_the_initial_delay(broker, topic_name):
    group = topic_name()  # the default group.initial.rebalance.delay.ms: 3000
    with GroupConnection(broker) as conn, GroupConnection(broker) as other:
        conn.wait_coordinator(group)
        member = conn.join_group(group)["member_id"]
        held = {}
        joining = threading.Thread(target=lambda: held.setdefault("answer", conn.join_group(group, member_id=member)))
        joining.start()  # held for the initial delay
        try:
            wait_until(lambda: other.heartbeat(group, 0, member) == gw.REBALANCE_IN_PROGRESS, 5,
                       "the member is in the group, which waits for the initial delay")
            assert other.leave_group(group, [(member, None)]) == (gw.NONE, [(member, None, gw.NONE)])
        finally:
            joining.join(10)
        assert held["answer"]["error"] == gw.UNKNOWN_MEMBER_ID
        again = other.join_group(group)
        assert again["error"] == gw.MEMBER_ID_REQUIRED, \
            f"JoinGroup after the only member left during the initial delay: error {again['error']}"


def test_a_member_that_left_stays_gone_after_kill_9(broker_factory, topic_name):
    b = broker_factory(settings=NO_INITIAL_DELAY)
    group = topic_name()
    with GroupConnection(b) as conn:
        conn.wait_coordinator(group)
        join_and_leave(conn, group)
    b.restart(clean=False)
    admin = ck.admin(b)
    described = admin.describe_consumer_groups([group])[group].result(timeout=15)
    assert (described.state, [m.member_id for m in described.members]) == (ConsumerGroupState.EMPTY, [])
