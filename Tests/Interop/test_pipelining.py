"""Requests pipelined on one connection are answered in request order, even when an earlier one is a
Fetch long-poll; the long poll wakes as soon as data arrives (raw sockets)."""

import struct
import time

import ck
import kafka_wire as wire

FETCH = 1


def fetch_v4(topic, partition, offset, max_wait_ms, min_bytes=1):
    return wire.fetch_v4([(topic, partition, offset, 1024 * 1024)], max_wait_ms, min_bytes)


def metadata_v1_all_topics():
    return struct.pack(">i", -1)


def test_responses_in_request_order_behind_a_long_poll(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    frames = [
        wire.request(FETCH, 4, 1, fetch_v4(topic, 0, 0, max_wait_ms=1000)),
        wire.api_versions_request(0, 2),
        wire.request(wire.METADATA, 1, 3, metadata_v1_all_topics()),
        wire.api_versions_request(3, 4),
    ]
    with wire.connect(shared_broker.host, shared_broker.port, timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"".join(frames))
        answers = []
        for _ in frames:
            correlation, body = wire.read_response(sock)
            answers.append((correlation, time.monotonic() - started))
    assert [c for c, _ in answers] == [1, 2, 3, 4]
    # The Fetch waited for max.wait.ms on an empty partition, and nothing overtook it.
    assert answers[0][1] >= 0.9, answers
    assert all(elapsed >= answers[0][1] for _, elapsed in answers[1:])


def test_hundred_pipelined_requests(shared_broker):
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(b"".join(wire.api_versions_request(i % 4, 1000 + i) for i in range(100)))
        correlations = [wire.read_response(sock)[0] for _ in range(100)]
    assert correlations == list(range(1000, 1100))


def test_long_poll_wakes_when_data_arrives(shared_broker, topic_name):
    topic = ck.create_topic(shared_broker, topic_name(), 1)
    p = ck.producer(shared_broker, **{"linger.ms": 0})
    ck.produce_all(p, topic, [(None, b"warm-up")])  # connection and metadata ready before timing
    with wire.connect(shared_broker.host, shared_broker.port, timeout=15) as sock:
        sock.sendall(wire.request(FETCH, 4, 9, fetch_v4(topic, 0, 1, max_wait_ms=10_000)))
        time.sleep(0.5)
        produced_at = time.monotonic()
        ck.produce_all(p, topic, [(None, b"wake up")])
        correlation, body = wire.read_response(sock)
        waited = time.monotonic() - produced_at
    assert correlation == 9
    assert waited < 5, f"the fetch answered {waited:.2f}s after the produce (max.wait.ms was 10s)"
    assert b"wake up" in body
