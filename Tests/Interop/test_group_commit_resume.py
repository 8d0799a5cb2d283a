"""Commit and resume: two confluent-kafka members consume a known sequence, committing each record
synchronously after processing it, then all close; a new member of the same group resumes exactly at the
committed offsets. Across the two phases every record is consumed once: nothing skipped, nothing reread."""

from collections import Counter

import ck
from groups import CkMember, balanced_cover, committed_offsets, partitions_of, poll_for, poll_until

PARTITIONS = 3
PER_PARTITION = 100


def test_new_member_resumes_from_committed_offsets(group_broker, topic_name):
    topic = ck.create_topic(group_broker, topic_name(), PARTITIONS)
    group = topic_name("-group")
    sequence = [b"%d" % i for i in range(PARTITIONS * PER_PARTITION)]
    ck.produce_all(ck.producer(group_broker), topic, [(None, v, None, i % PARTITIONS) for i, v in enumerate(sequence)])
    half = len(sequence) // 2

    first = [CkMember(group_broker, group, [topic], f"first{i}", commit_each=True) for i in range(2)]
    try:
        poll_until(first, balanced_cover(first, partitions_of(topic, PARTITIONS)), 30, "two members share the topic")
        poll_until(first, lambda: sum(len(m.messages) for m in first) >= half, 30, f"{half} records consumed")
    finally:
        for m in first:
            m.close()
    phase1 = [m for member in first for m in member.messages]
    consumed_to = {}
    for m in phase1:
        consumed_to[(m.topic(), m.partition())] = max(consumed_to.get((m.topic(), m.partition()), 0), m.offset() + 1)
    committed = committed_offsets(group_broker, group)
    assert committed == consumed_to, "the committed offsets are the ones after the last processed records"
    print(f"phase 1: {len(phase1)} records, committed {sorted(committed.items())}")

    second = CkMember(group_broker, group, [topic], "second")
    try:
        remaining = len(sequence) - len(phase1)
        poll_until([second], lambda: len(second.messages) >= remaining, 30, f"{remaining} more records consumed")
        poll_for([second], 1.0)  # and nothing after them
    finally:
        second.close()
    phase2 = second.messages
    starts = {}
    for m in phase2:
        starts.setdefault((m.topic(), m.partition()), m.offset())
    for tp, start in starts.items():
        assert start == committed.get(tp, 0), f"{tp} resumed at {start}, committed {committed.get(tp)}"

    values = [m.value() for m in phase1 + phase2]
    duplicates = [v for v, n in Counter(values).items() if n > 1]
    assert not duplicates, f"{len(duplicates)} records consumed twice, e.g. {duplicates[:5]}"
    assert sorted(values, key=int) == sequence, f"missing: {sorted(set(sequence) - set(values), key=int)[:10]}"
    # Within each partition the members together read offsets 0..99 once each, and every member read its
    # share in order. (A partition can move between the first two members when the second one joins, so
    # the members' lists, joined, need not be in order.)
    for p in range(PARTITIONS):
        offsets = [m.offset() for m in phase1 + phase2 if m.partition() == p]
        assert sorted(offsets) == list(range(PER_PARTITION)), f"partition {p}"
        for member, messages in [(m.name, m.messages) for m in first] + [("second", phase2)]:
            own = [m.offset() for m in messages if m.partition() == p]
            assert own == sorted(own), f"{member} read partition {p} out of order"
