"""How long a group join takes with librdkafka's defaults against the broker's default
group.initial.rebalance.delay.ms (3000, as Kafka): a single confluent-kafka consumer is assigned its
partitions within 3.5 s of subscribe(), and not before the initial delay has run (≥ 2.9 s). Measured over
three fresh groups, one after the other, once __consumer_offsets exists (its creation on the very first
FindCoordinator is a one-off cost, printed separately)."""

import statistics
import time

from confluent_kafka import Consumer

import ck


def join_seconds(broker, group, topic):
    """Seconds from subscribe() to the first non-empty on_assign, with librdkafka's default settings."""
    assigned = []
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    try:
        start = time.monotonic()
        c.subscribe([topic], on_assign=lambda consumer, partitions: assigned.append((time.monotonic(), partitions)))
        deadline = start + 15
        while not any(p for _, p in assigned) and time.monotonic() < deadline:
            c.poll(0.01)
        assert assigned, f"{group}: not assigned within 15 s"
        at, partitions = next((t, p) for t, p in assigned if p)
        assert sorted(p.partition for p in partitions) == [0, 1]
        return at - start
    finally:
        c.close()


def test_join_with_librdkafka_defaults_takes_the_initial_delay(broker, topic_name):
    topic = ck.create_topic(broker, topic_name(), 2)
    # The first group's FindCoordinator creates __consumer_offsets: not part of the measured figures.
    cold = join_seconds(broker, topic_name("-cold"), topic)
    print(f"first join on a new broker (creates __consumer_offsets): {cold:.3f}s")

    figures = [join_seconds(broker, topic_name(f"-fresh{i}"), topic) for i in range(3)]
    median = statistics.median(figures)
    print(f"join times with librdkafka defaults, group.initial.rebalance.delay.ms=3000: "
          f"{', '.join(f'{f:.3f}s' for f in figures)}; median {median:.3f}s")
    assert median <= 3.5, f"median join {median:.3f}s > 3.5 s"
    assert median >= 2.9, f"median join {median:.3f}s: the initial rebalance delay (3 s) was not applied"
