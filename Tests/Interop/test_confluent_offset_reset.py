"""confluent-kafka and OFFSET_OUT_OF_RANGE: a consumer assigned past the end lands where
auto.offset.reset says (earliest, latest), or gets the error (error)."""

import json
import time

from confluent_kafka import KafkaError, TopicPartition

import ck


def setup_topic(broker, name, count=10):
    topic = ck.create_topic(broker, name, 1)
    ck.produce_all(ck.producer(broker), topic, [(None, b"m%d" % i) for i in range(count)])
    return topic


def test_reset_to_earliest(shared_broker, topic_name):
    topic = setup_topic(shared_broker, topic_name())
    c = ck.consumer(shared_broker, **{"auto.offset.reset": "earliest"})
    c.assign([TopicPartition(topic, 0, 100)])
    consumed = ck.consume(c, 10)
    c.close()
    assert [(m.offset(), m.value()) for m in consumed] == [(i, b"m%d" % i) for i in range(10)]


def test_reset_to_latest(shared_broker, topic_name):
    topic = setup_topic(shared_broker, topic_name())
    stats = {}

    def on_stats(text):
        for name, t in json.loads(text).get("topics", {}).items():
            if name == topic and "0" in t.get("partitions", {}):
                stats.update(t["partitions"]["0"])

    c = ck.consumer(shared_broker, **{"auto.offset.reset": "latest", "statistics.interval.ms": 100,
                                      "stats_cb": on_stats})
    c.assign([TopicPartition(topic, 0, 100)])
    # Wait until the reset has happened: the fetcher is active at the log end offset.
    deadline = time.monotonic() + 15
    early = []
    while time.monotonic() < deadline and not (stats.get("fetch_state") == "active" and stats.get("next_offset") == 10):
        early += ck.consume_nothing(c, 0.1)
    assert (stats.get("fetch_state"), stats.get("next_offset")) == ("active", 10), stats
    assert early == [], [(m.offset(), m.error()) for m in early]
    ck.produce_all(ck.producer(shared_broker), topic, [(None, b"n%d" % i) for i in range(3)])
    consumed = ck.consume(c, 3)
    c.close()
    assert [(m.offset(), m.value()) for m in consumed] == [(10, b"n0"), (11, b"n1"), (12, b"n2")]


def test_reset_error_reports_out_of_range(shared_broker, topic_name):
    topic = setup_topic(shared_broker, topic_name())
    c = ck.consumer(shared_broker, **{"auto.offset.reset": "error"})
    c.assign([TopicPartition(topic, 0, 100)])
    [msg] = ck.consume(c, 1, timeout=15, allow_errors=True)
    c.close()
    assert msg.error() is not None and msg.error().code() == KafkaError._AUTO_OFFSET_RESET, msg.error()
    assert "out of range" in msg.error().str().lower() or "OFFSET_OUT_OF_RANGE" in msg.error().str()
