"""Group administration through confluent-kafka's AdminClient and kafka-python's KafkaAdminClient:
ListGroups (with a states filter), DescribeGroups (state, protocol, members, their assignments, the
coordinator), OffsetFetch for a whole group, DeleteGroups (NON_EMPTY_GROUP for a live group, success for
an empty one, GROUP_ID_NOT_FOUND for an unknown one) and OffsetDelete (refused for a subscribed topic)."""

import kafka.errors as kerrors
import pytest
from confluent_kafka import ConsumerGroupState, ConsumerGroupTopicPartitions, KafkaError, TopicPartition
from kafka import TopicPartition as KpTopicPartition

import ck
import kp
from groups import CkMember, balanced_cover, commit_sync, committed_offsets, partitions_of, poll_until, wait_until


@pytest.fixture
def live_group(group_broker, topic_name):
    """A Stable group of two confluent-kafka members (range) on topic A (4 partitions), which committed
    A-p at 10+p and B-0 (a topic it does not subscribe to) at 7; and a commit-only group (no members, no
    protocol: Empty) with A-0 at 5. Yields (group, empty group, A, B, members)."""
    a = ck.create_topic(group_broker, topic_name("-a"), 4)
    b = ck.create_topic(group_broker, topic_name("-b"), 1)
    group, empty = topic_name("-group"), topic_name("-empty")
    members = [CkMember(group_broker, group, [a], f"m{i}", **{"partition.assignment.strategy": "range"})
               for i in range(2)]
    admin = ck.admin(group_broker)
    try:
        poll_until(members, balanced_cover(members, partitions_of(a, 4)), 30, "two members share A")
        commit_sync(members[0].consumer, {**{(a, p): 10 + p for p in range(4)}, (b, 0): 7})
        done = admin.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(empty, [TopicPartition(a, 0, 5)])])
        assert [(tp.topic, tp.partition, tp.offset) for tp in done[empty].result(timeout=15).topic_partitions] == \
            [(a, 0, 5)]
        yield group, empty, a, b, members
    finally:
        for m in members:
            m.close()


def test_confluent_admin_lists_and_describes(group_broker, live_group):
    group, empty, a, b, members = live_group
    admin = ck.admin(group_broker)

    def listed(states=None):
        kwargs = {"states": states} if states else {}
        result = admin.list_consumer_groups(**kwargs).result(timeout=15)
        assert result.errors == []
        return {g.group_id: (g.state, g.is_simple_consumer_group) for g in result.valid if g.group_id in (group, empty)}

    assert listed() == {group: (ConsumerGroupState.STABLE, False), empty: (ConsumerGroupState.EMPTY, True)}
    assert listed({ConsumerGroupState.STABLE}) == {group: (ConsumerGroupState.STABLE, False)}
    assert listed({ConsumerGroupState.EMPTY}) == {empty: (ConsumerGroupState.EMPTY, True)}
    assert listed({ConsumerGroupState.PREPARING_REBALANCING}) == {}

    futures = admin.describe_consumer_groups([group, empty])
    live, idle = futures[group].result(timeout=15), futures[empty].result(timeout=15)
    assert (live.group_id, live.state, live.partition_assignor, live.is_simple_consumer_group) == \
        (group, ConsumerGroupState.STABLE, "range", False)
    assert (live.coordinator.id, live.coordinator.host, live.coordinator.port) == (1, "127.0.0.1", group_broker.port)
    described = {m.member_id: (m.client_id, m.host, m.group_instance_id,
                               sorted((tp.topic, tp.partition) for tp in m.assignment.topic_partitions))
                 for m in live.members}
    assert described == {m.consumer.memberid(): ("rdkafka", "/127.0.0.1", None, sorted(m.assigned)) for m in members}
    assert sorted(entry[3] for entry in described.values()) == [[(a, 0), (a, 1)], [(a, 2), (a, 3)]]
    assert (idle.state, idle.members, idle.partition_assignor, idle.is_simple_consumer_group) == \
        (ConsumerGroupState.EMPTY, [], "", True)

    assert committed_offsets(group_broker, group) == {**{(a, p): 10 + p for p in range(4)}, (b, 0): 7}
    assert committed_offsets(group_broker, empty) == {(a, 0): 5}
    some = admin.list_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group, [TopicPartition(a, 1), TopicPartition(a, 3)])])[group].result(timeout=15)
    assert [(tp.topic, tp.partition, tp.offset) for tp in some.topic_partitions] == [(a, 1, 11), (a, 3, 13)]


def test_kafka_python_admin_lists_and_describes(group_broker, live_group):
    group, empty, a, b, members = live_group
    admin = kp.admin(group_broker)
    try:
        def listed(states=None):
            return {g["group_id"]: (g["group_state"], g["protocol_type"])
                    for g in admin.list_groups(states_filter=states) if g["group_id"] in (group, empty)}

        assert listed() == {group: ("Stable", "consumer"), empty: ("Empty", "")}
        assert listed(["Stable"]) == {group: ("Stable", "consumer")}
        assert listed(["Empty"]) == {empty: ("Empty", "")}

        described = admin.describe_groups([group, empty])
        live = described[group]
        assert (live["error"], live["group_state"], live["protocol_type"], live["protocol_data"]) == \
            (None, "Stable", "consumer", "range")
        assert sorted(live["authorized_operations"]) == ["DELETE", "DESCRIBE", "READ"]
        got = {m["member_id"]: (m["client_id"], m["client_host"], m["member_metadata"]["topics"],
                                [(x["topic"], x["partitions"]) for x in m["member_assignment"]["assigned_partitions"]])
               for m in live["members"]}
        assert got == {m.consumer.memberid(): ("rdkafka", "/127.0.0.1", [a], [(a, sorted(p for _, p in m.assigned))])
                       for m in members}
        idle = described[empty]
        assert (idle["error"], idle["group_state"], idle["protocol_type"], idle["members"]) == (None, "Empty", "", [])

        offsets = admin.list_group_offsets({group: None, empty: None})
        assert {g: {(tp.topic, tp.partition): om.offset for tp, om in o.items()} for g, o in offsets.items()} == \
            {group: {**{(a, p): 10 + p for p in range(4)}, (b, 0): 7}, empty: {(a, 0): 5}}
    finally:
        admin.close()


def test_delete_groups(group_broker, live_group, topic_name):
    group, empty, a, b, members = live_group
    unknown = topic_name("-unknown")
    admin = ck.admin(group_broker)
    futures = admin.delete_consumer_groups([group, unknown])
    assert ck.kafka_error(futures[group]).code() == KafkaError.NON_EMPTY_GROUP
    assert ck.kafka_error(futures[unknown]).code() == KafkaError.GROUP_ID_NOT_FOUND
    assert committed_offsets(group_broker, group)[(a, 0)] == 10

    assert admin.delete_consumer_groups([empty])[empty].result(timeout=15) is None
    assert committed_offsets(group_broker, empty) == {}
    gone = admin.describe_consumer_groups([empty])[empty].result(timeout=15)
    assert (gone.state, gone.members) == (ConsumerGroupState.DEAD, [])
    again = admin.delete_consumer_groups([empty])[empty]
    assert ck.kafka_error(again).code() == KafkaError.GROUP_ID_NOT_FOUND

    # kafka-python: the same answers, then the consumer group itself once its members have left.
    kadmin = kp.admin(group_broker)
    try:
        assert kadmin.delete_groups([group, unknown]) == {group: "NonEmptyGroupError", unknown: "GroupIdNotFoundError"}
        for m in members:
            m.close()
        wait_until(lambda: admin.describe_consumer_groups([group])[group].result(timeout=15).state
                   == ConsumerGroupState.EMPTY, 5, "the group is Empty once its members closed")
        assert kadmin.delete_groups([group]) == {group: "OK"}
        assert committed_offsets(group_broker, group) == {}
    finally:
        kadmin.close()


def test_offset_delete_refuses_a_subscribed_topic(group_broker, live_group, topic_name):
    group, empty, a, b, members = live_group
    admin = kp.admin(group_broker)
    try:
        result = admin.delete_group_offsets(group, [KpTopicPartition(a, 0), KpTopicPartition(b, 0)])
        assert result == {KpTopicPartition(a, 0): kerrors.GroupSubscribedToTopicError,
                          KpTopicPartition(b, 0): kerrors.NoError}
        assert committed_offsets(group_broker, group) == {(a, p): 10 + p for p in range(4)}

        # An empty group may drop any of its offsets; an unknown group is GROUP_ID_NOT_FOUND.
        assert admin.delete_group_offsets(empty, [KpTopicPartition(a, 0)]) == {KpTopicPartition(a, 0): kerrors.NoError}
        assert committed_offsets(group_broker, empty) == {}
        with pytest.raises(kerrors.GroupIdNotFoundError):
            admin.delete_group_offsets(topic_name("-unknown"), [KpTopicPartition(a, 0)])
    finally:
        admin.close()
