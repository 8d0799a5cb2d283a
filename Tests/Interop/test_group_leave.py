"""The last member's LeaveGroup empties the group at once, as in Kafka (whose prepareRebalance completes
the join straight away when every remaining member, here none, has joined): right after the answer a new
member is welcome with any protocol, DeleteGroups succeeds, and a crash does not bring the member back."""

from confluent_kafka import ConsumerGroupState

import ck
import group_wire as gw
from group_wire import GroupConnection, consumer_assignment
from groups import NO_INITIAL_DELAY


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
