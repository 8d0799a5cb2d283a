"""confluent-kafka AdminClient configs against Gregor: describe_configs (topic and broker, values and
sources), incremental_alter_configs SET/DELETE round trip, legacy alter_configs, errors."""

import pytest
from confluent_kafka import KafkaError
from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ConfigSource, ResourceType

import ck


def describe(broker, resource_type, name):
    resource = ConfigResource(resource_type, name)
    a = ck.admin(broker)
    future = a.describe_configs([resource])[resource]
    return future.result(timeout=15)


def values(entries):
    return {name: (e.value, ConfigSource(e.source)) for name, e in entries.items()}


def test_describe_topic_defaults_and_overrides(shared_broker, topic_name):
    name = ck.create_topic(shared_broker, topic_name(), 1, config={"retention.ms": "3600000", "segment.bytes": "1048576"})
    got = values(describe(shared_broker, ResourceType.TOPIC, name))
    assert got["retention.ms"] == ("3600000", ConfigSource.DYNAMIC_TOPIC_CONFIG)
    assert got["segment.bytes"] == ("1048576", ConfigSource.DYNAMIC_TOPIC_CONFIG)
    # Kafka's defaults, reported as defaults.
    assert got["cleanup.policy"] == ("delete", ConfigSource.DEFAULT_CONFIG)
    assert got["max.message.bytes"] == ("1048588", ConfigSource.DEFAULT_CONFIG)
    assert got["message.timestamp.type"] == ("CreateTime", ConfigSource.DEFAULT_CONFIG)
    assert got["min.insync.replicas"] == ("1", ConfigSource.DEFAULT_CONFIG)
    assert got["retention.bytes"] == ("-1", ConfigSource.DEFAULT_CONFIG)


def test_describe_unknown_topic(shared_broker, topic_name):
    resource = ConfigResource(ResourceType.TOPIC, topic_name())
    a = ck.admin(shared_broker)
    error = ck.kafka_error(a.describe_configs([resource])[resource])
    assert error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_incremental_alter_round_trip(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 1, config={"segment.ms": "3600000"})
    resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
        ConfigEntry("retention.ms", "7200000", incremental_operation=AlterConfigOpType.SET),
        ConfigEntry("max.message.bytes", "2097152", incremental_operation=AlterConfigOpType.SET),
    ])
    assert a.incremental_alter_configs([resource])[resource].result(timeout=15) is None
    got = values(describe(shared_broker, ResourceType.TOPIC, name))
    assert got["retention.ms"] == ("7200000", ConfigSource.DYNAMIC_TOPIC_CONFIG)
    assert got["max.message.bytes"] == ("2097152", ConfigSource.DYNAMIC_TOPIC_CONFIG)
    assert got["segment.ms"] == ("3600000", ConfigSource.DYNAMIC_TOPIC_CONFIG)  # untouched

    resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
        ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE),
    ])
    assert a.incremental_alter_configs([resource])[resource].result(timeout=15) is None
    got = values(describe(shared_broker, ResourceType.TOPIC, name))
    assert got["retention.ms"] == ("604800000", ConfigSource.DEFAULT_CONFIG)
    assert got["max.message.bytes"] == ("2097152", ConfigSource.DYNAMIC_TOPIC_CONFIG)


def test_incremental_alter_validate_only(shared_broker, topic_name):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 1)
    resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
        ConfigEntry("retention.ms", "1000", incremental_operation=AlterConfigOpType.SET)])
    assert a.incremental_alter_configs([resource], validate_only=True)[resource].result(timeout=15) is None
    assert values(describe(shared_broker, ResourceType.TOPIC, name))["retention.ms"] == \
        ("604800000", ConfigSource.DEFAULT_CONFIG)


@pytest.mark.parametrize("entry", [("no.such.config", "1"), ("retention.ms", "soon"), ("cleanup.policy", "bogus")])
def test_incremental_alter_invalid(shared_broker, topic_name, entry):
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 1)
    resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
        ConfigEntry(entry[0], entry[1], incremental_operation=AlterConfigOpType.SET)])
    assert ck.kafka_error(a.incremental_alter_configs([resource])[resource]).code() == KafkaError.INVALID_CONFIG


@pytest.mark.filterwarnings("ignore:alter_configs has been deprecated:DeprecationWarning")
def test_legacy_alter_configs_replaces_the_set(shared_broker, topic_name):
    """AlterConfigs (not incremental) sets exactly the given configs; others go back to defaults."""
    a = ck.admin(shared_broker)
    name = ck.create_topic(shared_broker, topic_name(), 1, config={"retention.ms": "3600000"})
    resource = ConfigResource(ResourceType.TOPIC, name, set_config={"segment.ms": "7200000"})
    assert a.alter_configs([resource])[resource].result(timeout=15) is None
    got = values(describe(shared_broker, ResourceType.TOPIC, name))
    assert got["segment.ms"] == ("7200000", ConfigSource.DYNAMIC_TOPIC_CONFIG)
    assert got["retention.ms"] == ("604800000", ConfigSource.DEFAULT_CONFIG)


def test_describe_broker_static_configs(broker_factory):
    """--set values are static broker configs, and static num.partitions is the default for new topics."""
    b = broker_factory(settings={"num.partitions": "3", "log.retention.check.interval.ms": "120000"})
    got = values(describe(b, ResourceType.BROKER, "1"))
    assert got["num.partitions"] == ("3", ConfigSource.STATIC_BROKER_CONFIG)
    assert got["log.retention.check.interval.ms"] == ("120000", ConfigSource.STATIC_BROKER_CONFIG)
    assert got["auto.create.topics.enable"] == ("true", ConfigSource.DEFAULT_CONFIG)
    assert got["message.max.bytes"] == ("1048588", ConfigSource.DEFAULT_CONFIG)
    from confluent_kafka.admin import NewTopic
    name = "static-default-partitions"
    a = ck.admin(b)
    a.create_topics([NewTopic(name, -1, -1)])[name].result(timeout=15)
    assert len(a.list_topics(timeout=10).topics[name].partitions) == 3


def test_describe_broker_identity(shared_broker):
    """The broker reports its own node id, listener and data directory, as Kafka does (static configs)."""
    got = values(describe(shared_broker, ResourceType.BROKER, "1"))
    assert got["node.id"] == ("1", ConfigSource.STATIC_BROKER_CONFIG)
    assert got["listeners"] == (f"PLAINTEXT://{shared_broker.bootstrap}", ConfigSource.STATIC_BROKER_CONFIG)
    assert got["log.dirs"] == (shared_broker.data_dir, ConfigSource.STATIC_BROKER_CONFIG)


def test_dynamic_broker_config_is_inherited_by_topics(broker_factory):
    """log.retention.ms set on the broker (IncrementalAlterConfigs, BROKER "1") becomes the effective
    retention.ms of topics without their own, reported with its source and synonyms in their own units."""
    b = broker_factory()
    topic = ck.create_topic(b, "inherits", 1)
    a = ck.admin(b)
    resource = ConfigResource(ResourceType.BROKER, "1", incremental_configs=[
        ConfigEntry("log.retention.ms", "123456", incremental_operation=AlterConfigOpType.SET)])
    assert a.incremental_alter_configs([resource])[resource].result(timeout=15) is None
    assert values(describe(b, ResourceType.BROKER, "1"))["log.retention.ms"] == \
        ("123456", ConfigSource.DYNAMIC_BROKER_CONFIG)
    entry = describe(b, ResourceType.TOPIC, topic)["retention.ms"]
    assert (entry.value, ConfigSource(entry.source)) == ("123456", ConfigSource.DYNAMIC_BROKER_CONFIG)
    synonyms = {name: (s.value, ConfigSource(s.source)) for name, s in entry.synonyms.items()}
    assert synonyms["log.retention.ms"] == ("123456", ConfigSource.DYNAMIC_BROKER_CONFIG)

    resource = ConfigResource(ResourceType.BROKER, "1", incremental_configs=[
        ConfigEntry("log.retention.ms", None, incremental_operation=AlterConfigOpType.DELETE)])
    assert a.incremental_alter_configs([resource])[resource].result(timeout=15) is None
    assert values(describe(b, ResourceType.TOPIC, topic))["retention.ms"] == ("604800000", ConfigSource.DEFAULT_CONFIG)
    # Kafka lists each synonym with its own value: log.retention.hours is 168 (hours), not milliseconds.
    assert synonyms.get("log.retention.hours") == ("168", ConfigSource.DEFAULT_CONFIG), synonyms


def test_read_only_broker_config_cannot_change(shared_broker):
    a = ck.admin(shared_broker)
    resource = ConfigResource(ResourceType.BROKER, "1", incremental_configs=[
        ConfigEntry("node.id", "7", incremental_operation=AlterConfigOpType.SET)])
    assert ck.kafka_error(a.incremental_alter_configs([resource])[resource]).code() == KafkaError.INVALID_CONFIG
