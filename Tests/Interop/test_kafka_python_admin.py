"""kafka-python KafkaAdminClient against Gregor: create and delete topics, Kafka's error codes,
validate_only, describe_configs, create_partitions."""

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic
from kafka.errors import (InvalidConfigurationError, InvalidPartitionsError, InvalidReplicationFactorError,
                          TopicAlreadyExistsError, UnknownTopicOrPartitionError)

import kp


@pytest.fixture
def admin(shared_broker):
    a = kp.admin(shared_broker)
    yield a
    a.close()


def partition_counts(admin):
    return {t["name"]: len(t["partitions"]) for t in admin.describe_topics()}


def test_create_and_delete(admin, topic_name):
    name = topic_name()
    [created] = admin.create_topics([NewTopic(name, 3, 1, topic_configs={"retention.ms": "3600000"})])["topics"]
    assert created["error_code"] == 0 and created["num_partitions"] == 3 and created["replication_factor"] == 1
    assert created["configs"]["retention.ms"]["value"] == "3600000"
    assert name in admin.list_topics()
    [described] = admin.describe_topics([name])
    assert described["error_code"] == 0
    assert sorted((p["partition_index"], p["leader_id"], p["replica_nodes"], p["isr_nodes"])
                  for p in described["partitions"]) == [(i, 1, [1], [1]) for i in range(3)]
    admin.delete_topics([name])
    assert name not in admin.list_topics()


def test_errors(admin, topic_name):
    existing = topic_name("-existing")
    admin.create_topics([NewTopic(existing, 1, 1)])
    with pytest.raises(TopicAlreadyExistsError):
        admin.create_topics([NewTopic(existing, 1, 1)])
    with pytest.raises(InvalidPartitionsError):
        admin.create_topics([NewTopic(topic_name("-zero"), 0, 1)])
    with pytest.raises(InvalidReplicationFactorError):
        admin.create_topics([NewTopic(topic_name("-rf3"), 1, 3)])
    with pytest.raises(InvalidConfigurationError):
        admin.create_topics([NewTopic(topic_name("-cfg"), 1, 1, topic_configs={"retention.ms": "forever"})])
    with pytest.raises(UnknownTopicOrPartitionError):
        admin.delete_topics([topic_name("-missing")])
    assert [n for n in admin.list_topics() if n.startswith("test_errors") and n != existing] == []


def test_validate_only(admin, topic_name):
    name = topic_name()
    admin.create_topics([NewTopic(name, 2, 1)], validate_only=True)
    assert name not in admin.list_topics()
    with pytest.raises(InvalidReplicationFactorError):
        admin.create_topics([NewTopic(name, 2, 3)], validate_only=True)


def test_describe_configs(admin, topic_name):
    name = topic_name()
    admin.create_topics([NewTopic(name, 1, 1, topic_configs={"retention.ms": "3600000"})])
    response = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)], config_filter="all")
    entries = response["topic"][name]
    assert (entries["retention.ms"]["value"], entries["retention.ms"]["config_source"]) == \
        ("3600000", "DYNAMIC_TOPIC_CONFIG")
    assert (entries["cleanup.policy"]["value"], entries["cleanup.policy"]["config_source"]) == \
        ("delete", "DEFAULT_CONFIG")
    assert entries["max.message.bytes"]["value"] == "1048588"


def test_create_partitions(admin, topic_name):
    name = topic_name()
    admin.create_topics([NewTopic(name, 1, 1)])
    admin.create_partitions({name: NewPartitions(4)})
    assert partition_counts(admin)[name] == 4
    with pytest.raises(InvalidPartitionsError):
        admin.create_partitions({name: NewPartitions(2)})
