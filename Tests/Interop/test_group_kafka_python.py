"""kafka-python members in a group: two members split four partitions (range: two contiguous each),
consume and commit; when one leaves the other takes all four; a member that joins later resumes from the
commits and reads only what was produced since."""

import time

from kafka import KafkaConsumer, TopicPartition

import kp
from groups import committed_offsets

PARTITIONS = 4
PER_PARTITION = 20


def member(broker, group, topic):
    c = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False,
                      auto_offset_reset="earliest", session_timeout_ms=6000, heartbeat_interval_ms=1000,
                      partition_assignment_strategy=kp.range_assignors())
    c.subscribe([topic])
    return c


def owned(c):
    return sorted(tp.partition for tp in c.assignment())


def poll_all(consumers, condition, timeout, what):
    """Polls each consumer in turn (joins and rebalances happen inside poll) until `condition(records so
    far)`; returns {consumer index: [records]}."""
    got = {i: [] for i in range(len(consumers))}
    deadline = time.monotonic() + timeout
    while not condition(got):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}; assignments {[owned(c) for c in consumers]}")
        for i, c in enumerate(consumers):
            for records in c.poll(timeout_ms=100).values():
                got[i] += records
    return got


def test_kafka_python_members_split_commit_and_rejoin(group_broker, topic_name):
    topic = kp.create_topic(group_broker, topic_name(), PARTITIONS)
    group = topic_name("-group")
    p = kp.producer(group_broker)
    a, b = member(group_broker, group, topic), member(group_broker, group, topic)
    try:
        poll_all([a, b], lambda got: sorted([owned(a), owned(b)]) == [[0, 1], [2, 3]], 40,
                 "two members split the partitions")
        kp.send_all(p, topic, [(None, b"%d-%d" % (i % PARTITIONS, i // PARTITIONS), None, i % PARTITIONS)
                               for i in range(PARTITIONS * PER_PARTITION)])
        got = poll_all([a, b], lambda got: sum(len(r) for r in got.values()) >= PARTITIONS * PER_PARTITION, 30,
                       "the members read everything")
        by_member = [sorted({(r.partition, r.offset) for r in got[i]}) for i in (0, 1)]
        for i, c in enumerate((a, b)):
            assert by_member[i] == [(part, o) for part in owned(c) for o in range(PER_PARTITION)], f"member {i}"
        a.commit()
        b.commit()
        assert committed_offsets(group_broker, group) == {(topic, part): PER_PARTITION for part in range(PARTITIONS)}

        b.close()  # LeaveGroup: a takes everything
        poll_all([a], lambda got: owned(a) == [0, 1, 2, 3], 20, "the remaining member owns all four")
        assert a.committed(TopicPartition(topic, 3)) == PER_PARTITION
    finally:
        a.close()
        b.close()

    late = member(group_broker, group, topic)
    try:
        poll_all([late], lambda got: owned(late) == [0, 1, 2, 3], 20, "a new member owns all four")
        assert {part: late.position(TopicPartition(topic, part)) for part in range(PARTITIONS)} == \
            {part: PER_PARTITION for part in range(PARTITIONS)}
        kp.send_all(p, topic, [(None, b"new-%d" % part, None, part) for part in range(PARTITIONS)])
        got = poll_all([late], lambda got: len(got[0]) >= PARTITIONS, 20, "the new records")
        assert sorted((r.partition, r.offset, r.value) for r in got[0]) == \
            [(part, PER_PARTITION, b"new-%d" % part) for part in range(PARTITIONS)]
    finally:
        late.close()
        p.close()
