"""cooperative-sticky (KIP-429) with confluent-kafka: when a third member joins two that own three
partitions each, each survivor gives up exactly one partition (on_revoke lists only the moving ones), keeps
the other two without interruption, and the newcomer gets the two that moved."""

import time

import ck
from groups import CkMember, balanced_cover, partitions_of, poll_until

COOPERATIVE = {"partition.assignment.strategy": "cooperative-sticky"}


def test_survivors_keep_their_partitions_when_a_member_joins(group_broker, topic_name):
    topic = ck.create_topic(group_broker, topic_name(), 6)
    group = topic_name("-group")
    everything = partitions_of(topic, 6)
    members = [CkMember(group_broker, group, [topic], f"m{i}", **COOPERATIVE) for i in range(2)]
    try:
        poll_until(members, balanced_cover(members, everything), 30, "two members own three partitions each")
        before = {m.name: set(m.assigned) for m in members}
        joined_at = time.monotonic()
        newcomer = CkMember(group_broker, group, [topic], "newcomer", **COOPERATIVE)
        members.append(newcomer)
        took = poll_until(members, balanced_cover(members, everything), 40, "three members own two each")
        print(f"before {({n: sorted(p for _, p in a) for n, a in before.items()})}, after "
              f"{({m.name: sorted(p for _, p in m.assigned) for m in members})} ({took:.2f}s)")

        moved = set()
        for m in members[:2]:
            after_join = [(kind, tps) for t, kind, tps in m.events if t >= joined_at]
            revoked = [tp for kind, tps in after_join if kind in ("revoke", "lost") for tp in tps]
            assigned = [tp for kind, tps in after_join if kind == "assign" for tp in tps]
            assert len(revoked) == 1, f"{m.name} should give up exactly one partition: {after_join}"
            assert assigned == [], f"{m.name} should get nothing new (incremental): {after_join}"
            assert m.assigned == before[m.name] - set(revoked), f"{m.name} kept {sorted(m.assigned)}"
            moved |= set(revoked)
        assert newcomer.assigned == moved
        assert [kind for _, kind, tps in newcomer.events if tps] == ["assign"]
    finally:
        for m in members:
            m.close()
