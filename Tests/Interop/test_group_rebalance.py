"""Three confluent-kafka members on six partitions: each partition is owned exactly once (range: two
contiguous partitions each); a member that closes leaves and the other two take over all six; a member
killed with SIGKILL is evicted only once its session timeout has run out, then its partitions move."""

import ck
from groups import CkMember, balanced_cover, is_exact_cover, partitions_of, poll_for, poll_until

SESSION_TIMEOUT_S = 6.0
HEARTBEAT_S = 1.0


def range_shares(assignments, topic):
    return sorted(sorted(p for t, p in a if t == topic) for a in assignments)


def test_three_members_split_then_take_over_on_leave(group_broker, topic_name):
    topic = ck.create_topic(group_broker, topic_name(), 6)
    group = topic_name("-group")
    everything = partitions_of(topic, 6)
    members = [CkMember(group_broker, group, [topic], f"m{i}", **{"partition.assignment.strategy": "range"})
               for i in range(3)]
    try:
        took = poll_until(members, balanced_cover(members, everything), 30, "three members own 2 partitions each")
        print(f"three members balanced after {took:.2f}s")
        assert range_shares([m.assigned for m in members], topic) == [[0, 1], [2, 3], [4, 5]]

        leaving = members.pop(1)
        leaving.close()  # LeaveGroup: the others rejoin at once, no session timeout to wait for
        took = poll_until(members, balanced_cover(members, everything), 20, "two members take over all six")
        print(f"after a leave, two members own all six after {took:.2f}s")
        assert range_shares([m.assigned for m in members], topic) == [[0, 1, 2], [3, 4, 5]]
        assert took < SESSION_TIMEOUT_S, "a clean leave should not wait for the session timeout"
    finally:
        for m in members:
            m.close()


def test_killed_member_is_evicted_after_its_session_timeout(group_broker, topic_name, child_members):
    topic = ck.create_topic(group_broker, topic_name(), 6)
    group = topic_name("-group")
    everything = partitions_of(topic, 6)
    conf = {"partition.assignment.strategy": "range", "session.timeout.ms": int(SESSION_TIMEOUT_S * 1000),
            "heartbeat.interval.ms": int(HEARTBEAT_S * 1000)}
    child = child_members(group_broker, group, [topic], **conf)
    members = [CkMember(group_broker, group, [topic], f"m{i}", **conf) for i in range(2)]
    try:
        def three_way():
            owned = [m.assigned for m in members] + [child.current()]
            return is_exact_cover(owned, everything) and all(len(a) == 2 for a in owned)
        took = poll_until(members, three_way, 40, "two members and the child own 2 partitions each")
        poll_for(members, 1.0)
        assert three_way(), "the three-way split did not hold"
        print(f"three-way split after {took:.2f}s")
        victim = child.current()
        before = [set(m.assigned) for m in members]

        killed_at = child.kill()
        took = poll_until(members, balanced_cover(members, everything), 30,
                          "the survivors own all six after the eviction")
        moved_at = min(t for m in members for t, kind, _ in m.events if t > killed_at)
        first_change = moved_at - killed_at
        print(f"killed member's partitions {sorted(victim)}; first survivor callback {first_change:.2f}s and "
              f"full takeover {took:.2f}s after SIGKILL (session.timeout.ms={SESSION_TIMEOUT_S * 1000:.0f})")
        # The eviction waits for the session timeout counted from the last heartbeat, normally at most one
        # heartbeat interval before the kill (one more second of slack for a late heartbeat on a loaded
        # machine); a broker evicting on the closed connection would move the partitions at once.
        assert first_change >= SESSION_TIMEOUT_S - HEARTBEAT_S - 1.0, \
            f"partitions moved {first_change:.2f}s after the kill, before the session timeout could expire"
        assert took <= SESSION_TIMEOUT_S + 12, f"the takeover took {took:.2f}s"
        after = [m.assigned for m in members]
        assert sorted(len(a) for a in after) == [3, 3]
        assert set().union(*after) - set().union(*before) == victim
    finally:
        for m in members:
            m.close()
