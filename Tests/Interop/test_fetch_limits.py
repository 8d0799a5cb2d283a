"""Fetch limits over raw Fetch v4 requests: min.bytes holds the answer until max.wait.ms, the
per-partition and response max bytes are honoured (a first batch larger than them still comes whole,
KIP-74), OFFSET_OUT_OF_RANGE past the end and for an unknown partition the right error."""

import time

import pytest

import ck
import kafka_wire as wire

FETCH = 1
OFFSET_OUT_OF_RANGE = 1
UNKNOWN_TOPIC_OR_PARTITION = 3


def fetch(broker, body, timeout=15):
    with wire.connect(broker.host, broker.port, timeout=timeout) as sock:
        started = time.monotonic()
        sock.sendall(wire.request(FETCH, 4, 21, body))
        correlation, response = wire.read_response(sock)
        elapsed = time.monotonic() - started
    assert correlation == 21
    return wire.decode_fetch_v4(response), elapsed


@pytest.fixture(scope="module")
def kilobyte_batches(shared_broker):
    """Partition 0 and 1 each hold 10 batches of one ~1 KB record (offsets 0-9)."""
    topic = ck.create_topic(shared_broker, "fetch-limits", 2)
    p = ck.producer(shared_broker, **{"linger.ms": 0, "max.in.flight.requests.per.connection": 1})
    for i in range(10):
        for partition in (0, 1):
            ck.produce_all(p, topic, [(None, b"%d" % i + b"x" * 1000, None, partition)])
    return topic


def test_min_bytes_waits_for_max_wait(shared_broker, kilobyte_batches):
    answer, elapsed = fetch(shared_broker, wire.fetch_v4([(kilobyte_batches, 0, 9, 1 << 20)], 800, min_bytes=1 << 20))
    error, high_watermark, records = answer[0]
    assert (error, high_watermark) == (0, 10)
    assert elapsed >= 0.7, f"answered after {elapsed:.2f}s though min.bytes was not reached"
    assert [b[0] for b in wire.batches_in(records)] == [9]


def test_partition_max_bytes(shared_broker, kilobyte_batches):
    answer, elapsed = fetch(shared_broker, wire.fetch_v4([(kilobyte_batches, 0, 0, 2500)], 100))
    error, _, records = answer[0]
    assert error == 0 and len(records) <= 2500
    batches = wire.batches_in(records)
    assert [b[0] for b in batches if b[2]] == [0, 1], batches


def test_first_batch_larger_than_the_limits_comes_whole(shared_broker, kilobyte_batches):
    body = wire.fetch_v4([(kilobyte_batches, 0, 3, 100)], 100, max_bytes=100)
    answer, _ = fetch(shared_broker, body)
    error, _, records = answer[0]
    assert error == 0
    batches = wire.batches_in(records)
    assert batches and batches[0][0] == 3 and batches[0][2], batches
    assert len(records) == batches[0][1], "only the first batch goes over the limit"


def test_response_max_bytes_across_partitions(shared_broker, kilobyte_batches):
    body = wire.fetch_v4([(kilobyte_batches, 0, 0, 1 << 20), (kilobyte_batches, 1, 0, 1 << 20)], 100, max_bytes=3000)
    answer, _ = fetch(shared_broker, body)
    total = sum(len(records) for _, _, records in answer.values())
    assert total <= 3000, {p: len(r) for p, (_, _, r) in answer.items()}
    assert wire.batches_in(answer[0][2])[0][:1] == (0,)


def test_out_of_range_and_unknown_partition(shared_broker, kilobyte_batches):
    body = wire.fetch_v4([(kilobyte_batches, 0, 11, 1 << 20), (kilobyte_batches, 7, 0, 1 << 20)], 100)
    answer, _ = fetch(shared_broker, body)
    assert answer[0][0] == OFFSET_OUT_OF_RANGE and answer[0][2] == b""
    assert answer[7][0] == UNKNOWN_TOPIC_OR_PARTITION
    # The log end offset itself is in range: an empty answer after the wait.
    answer, elapsed = fetch(shared_broker, wire.fetch_v4([(kilobyte_batches, 0, 10, 1 << 20)], 300))
    assert answer[0] == (0, 10, b"") and elapsed >= 0.25
