"""A group with a librdkafka (confluent-kafka) member and a kafka-python member: both clients name their
assignors alike ("range", "roundrobin"), so they agree on the protocol. With either client as the leader
(the member that joined first computes the assignment), both get partitions, with no overlap and full
coverage, laid out as that assignor does, and DescribeGroups shows the same."""

import kafka
import pytest
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

import ck
from groups import CkMember, KpMember, balanced_cover, partitions_of, poll_until

PARTITIONS = 4
KAFKA_PYTHON_ASSIGNORS = {"range": RangePartitionAssignor, "roundrobin": RoundRobinPartitionAssignor}
# What each assignor gives two members of one topic with four partitions (members in id order).
LAYOUTS = {"range": [[0, 1], [2, 3]], "roundrobin": [[0, 2], [1, 3]]}


@pytest.mark.parametrize("leader", ["librdkafka", "kafka-python"])
@pytest.mark.parametrize("assignor", ["range", "roundrobin"])
def test_librdkafka_and_kafka_python_share_a_group(group_broker, topic_name, assignor, leader):
    assert KAFKA_PYTHON_ASSIGNORS[assignor].name == assignor
    topic = ck.create_topic(group_broker, topic_name(), PARTITIONS)
    group = topic_name("-group")
    everything = partitions_of(topic, PARTITIONS)

    def make(name):
        if name == "librdkafka":
            return CkMember(group_broker, group, [topic], name, **{"partition.assignment.strategy": assignor})
        return KpMember(group_broker, group, [topic], name, [KAFKA_PYTHON_ASSIGNORS[assignor]])

    first = make(leader)
    members = [first]
    try:
        poll_until(members, lambda: first.assigned == everything, 30, f"{leader} alone owns everything")
        members.append(make("kafka-python" if leader == "librdkafka" else "librdkafka"))
        took = poll_until(members, balanced_cover(members, everything), 40, "both members own two partitions")
        shares = {m.name: sorted(p for _, p in m.assigned) for m in members}
        print(f"{assignor}, {leader} leading: {shares} {took:.2f}s after the second member subscribed")
        assert all(shares.values())
        assert sorted(shares.values()) == LAYOUTS[assignor]

        admin = ck.admin(group_broker)  # kept alive until its future resolves
        described = admin.describe_consumer_groups([group])[group].result(timeout=15)
        assert described.partition_assignor == assignor
        clients = {"librdkafka": "rdkafka", "kafka-python": f"kafka-python-{kafka.__version__}"}
        assert {(m.client_id, tuple(sorted(tp.partition for tp in m.assignment.topic_partitions)))
                for m in described.members} == {(clients[name], tuple(share)) for name, share in shares.items()}
    finally:
        for m in members:
            m.close()
