"""confluent-kafka DescribeCluster and DeleteRecords against Gregor: the cluster id and node, stable
across restarts; the log start offset moved by delete_records, honoured by fetches and ListOffsets,
and kept across a restart."""

from confluent_kafka import KafkaError, TopicPartition

import ck


def cluster(broker):
    a = ck.admin(broker)
    return a.describe_cluster(request_timeout=10).result(timeout=15)


def meta_properties(broker):
    with open(f"{broker.data_dir}/meta.properties") as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line and not line.startswith("#"))


def test_describe_cluster(broker):
    described = cluster(broker)
    assert [(n.id, n.host, n.port) for n in described.nodes] == [(1, broker.host, broker.port)]
    assert described.controller.id == 1
    assert described.cluster_id and described.cluster_id == meta_properties(broker)["cluster.id"]
    assert ck.admin(broker).list_topics(timeout=10).cluster_id == described.cluster_id
    broker.restart(clean=False)
    assert cluster(broker).cluster_id == described.cluster_id


def test_delete_records_moves_the_log_start(broker):
    topic = ck.create_topic(broker, "trim", 1)
    ck.produce_all(ck.producer(broker, **{"linger.ms": 0}), topic, [(None, b"r%d" % i) for i in range(20)])
    a = ck.admin(broker)
    tp = TopicPartition(topic, 0, 7)
    result = a.delete_records([tp], request_timeout=10)[tp].result(timeout=15)
    assert result.low_watermark == 7
    assert ck.watermarks(broker, topic, 0) == (7, 20)

    # A consumer below the log start is out of range and resets to the earliest offset: the new start.
    c = ck.consumer(broker, **{"auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, 0, 2)])
    consumed = ck.consume(c, 13)
    c.close()
    assert [(m.offset(), m.value()) for m in consumed] == [(i, b"r%d" % i) for i in range(7, 20)]

    broker.restart(clean=True)
    assert ck.watermarks(broker, topic, 0) == (7, 20)
    broker.restart(clean=False)
    assert ck.watermarks(broker, topic, 0) == (7, 20)


def test_delete_records_beyond_the_end_is_out_of_range(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    ck.produce_all(ck.producer(shared_broker), topic, [(None, b"x")] * 3)
    a = ck.admin(shared_broker)
    tp = TopicPartition(topic, 0, 10)
    error = ck.kafka_error(a.delete_records([tp], request_timeout=10)[tp])
    assert error.code() == KafkaError.OFFSET_OUT_OF_RANGE
    assert ck.watermarks(shared_broker, topic, 0) == (0, 3)
