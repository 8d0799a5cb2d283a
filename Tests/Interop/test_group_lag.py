"""Lag: after a partial consume, committed offsets against log end offsets (ListOffsets latest) give the
expected lag per partition, read with confluent-kafka's AdminClient and with kafka-python's admin; new
records raise the lag by their count."""

from confluent_kafka import TopicPartition
from confluent_kafka.admin import OffsetSpec
from kafka import OffsetSpec as KpOffsetSpec
from kafka import TopicPartition as KpTopicPartition

import ck
import kp
from groups import CkMember, commit_sync, committed_offsets, partitions_of, poll_until

PRODUCED = {0: 10, 1: 20, 2: 30}
PROCESSED = {0: 4, 1: 15}  # partition 2: nothing processed, nothing committed


def log_end_offsets(broker, topic):
    admin = ck.admin(broker)
    futures = admin.list_offsets({TopicPartition(topic, p): OffsetSpec.latest() for p in PRODUCED})
    return {(tp.topic, tp.partition): f.result(timeout=15).offset for tp, f in futures.items()}


def lag(broker, topic, group):
    committed = committed_offsets(broker, group)
    return {tp: end - committed[tp] for tp, end in log_end_offsets(broker, topic).items() if tp in committed}


def test_lag_after_a_partial_consume(group_broker, topic_name):
    topic = ck.create_topic(group_broker, topic_name(), len(PRODUCED))
    group = topic_name("-group")
    ck.produce_all(ck.producer(group_broker), topic,
                   [(None, b"%d-%d" % (p, i), None, p) for p, n in PRODUCED.items() for i in range(n)])
    member = CkMember(group_broker, group, [topic], "m")
    try:
        def seen(p):
            return sum(1 for m in member.messages if m.partition() == p)
        poll_until([member], lambda: member.assigned == partitions_of(topic, 3)
                   and all(seen(p) >= n for p, n in PROCESSED.items()), 30, "the records to process arrived")
        commit_sync(member.consumer, {(topic, p): n for p, n in PROCESSED.items()})
    finally:
        member.close()

    assert log_end_offsets(group_broker, topic) == {(topic, p): n for p, n in PRODUCED.items()}
    assert committed_offsets(group_broker, group) == {(topic, p): n for p, n in PROCESSED.items()}
    assert lag(group_broker, topic, group) == {(topic, 0): 6, (topic, 1): 5}

    # The same figures through kafka-python's admin.
    admin = kp.admin(group_broker)
    try:
        ends = admin.list_partition_offsets({KpTopicPartition(topic, p): KpOffsetSpec.LATEST for p in PRODUCED})
        committed = admin.list_group_offsets({group: None})[group]
        assert {tp.partition: ends[tp].offset - om.offset for tp, om in committed.items()} == {0: 6, 1: 5}
    finally:
        admin.close()

    ck.produce_all(ck.producer(group_broker), topic, [(None, b"more", None, 0)] * 5 + [(None, b"more", None, 2)])
    assert lag(group_broker, topic, group) == {(topic, 0): 11, (topic, 1): 5}
