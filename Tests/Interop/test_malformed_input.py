"""Malformed input over raw sockets: random and truncated frames, absurd sizes, unknown API keys,
unsupported versions, garbage bodies. Gregor must close the connection on what it cannot parse (as
Kafka does), answer ApiVersions at any version (KIP-511), stay up, and serve the next good client."""

import random
import socket
import struct
import time

import pytest

import ck
import kafka_wire as wire


def assert_serves(broker):
    """The broker is up and a well-behaved client is served: a raw ApiVersions and librdkafka metadata."""
    assert broker.alive(), f"broker died:\n{broker.log_text()[-3000:]}"
    error, ranges, _ = wire.api_versions_roundtrip(broker.host, broker.port, version=3)
    assert error == 0 and ranges[wire.API_VERSIONS] == (0, 3)
    meta = ck.admin(broker).list_topics(timeout=10)
    assert {b.id: f"{b.host}:{b.port}" for b in meta.brokers.values()} == {1: broker.bootstrap}


def send_and_wait_closed(broker, data, timeout=5.0):
    """Sends `data`, then waits for the broker to close the connection; returns what it answered first."""
    with wire.connect(broker.host, broker.port) as sock:
        sock.sendall(data)
        closed, received = wire.wait_closed(sock, timeout)
    assert closed, f"the broker kept the connection open after {data[:64]!r}... (answered {received[:64]!r})"
    return received


def test_random_bytes(shared_broker):
    rng = random.Random(1)
    for size in (1, 3, 17, 1000, 65536):
        with wire.connect(shared_broker.host, shared_broker.port) as sock:
            sock.sendall(rng.randbytes(size))
            wire.wait_closed(sock, 0.2)
    assert_serves(shared_broker)


def test_random_framed_payloads_close_the_connection(shared_broker):
    """Frames of the right length holding random headers: unknown keys, impossible versions, short
    headers. None of them is answered; every connection is closed."""
    rng = random.Random(2)
    for _ in range(25):
        payload = rng.randbytes(rng.randint(0, 300))
        # Keep the API key out of the range Kafka defines, so the frame is unparseable by construction.
        if len(payload) >= 2:
            payload = struct.pack(">h", rng.randint(1000, 32767)) + payload[2:]
        received = send_and_wait_closed(shared_broker, wire.frame(payload))
        assert received == b""
    assert_serves(shared_broker)


@pytest.mark.parametrize("data", [
    b"\x00\x00",                                                 # half a size prefix
    struct.pack(">i", 100) + b"\x00\x12\x00\x00\x00\x00",        # a size, then a fraction of the frame
    wire.request(wire.METADATA, 1, 5, struct.pack(">i", -1))[:-3],  # a good Metadata request cut short
], ids=["half-size", "partial-frame", "cut-request"])
def test_truncated_frame_then_close(shared_broker, data):
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(data)
        closed, received = wire.wait_closed(sock, 0.5)
        assert (closed, received) == (False, b""), "a partial frame is neither answered nor refused early"
    assert_serves(shared_broker)


@pytest.mark.parametrize("size", [0x7FFFFFFF, -0x80000000, -1, 0, 104857601],
                         ids=["2GiB-1", "2GiB(negative)", "minus-1", "zero", "limit+1"])
def test_absurd_sizes_close_the_connection(shared_broker, size):
    """Sizes over socket.request.max.bytes (100 MiB), negative or zero: closed at once, nothing allocated."""
    rss_before = shared_broker.rss_bytes()
    started = time.monotonic()
    received = send_and_wait_closed(shared_broker, struct.pack(">i", size) + b"\x00" * 16, timeout=5)
    assert received == b""
    assert time.monotonic() - started < 5
    assert shared_broker.rss_bytes() < rss_before + 64 * 1024 * 1024, "the broker allocated for the claimed size"
    assert_serves(shared_broker)


def test_large_claimed_size_then_close(shared_broker):
    """A frame under the limit that never arrives in full: the broker waits, the client leaves."""
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(struct.pack(">i", 50 * 1024 * 1024) + b"\x00\x03\x00\x01" + b"\x00" * (1024 * 1024))
    assert_serves(shared_broker)


@pytest.mark.parametrize("api_key", [999, 32767, -1, 10], ids=["999", "32767", "minus-1", "FindCoordinator"])
def test_unknown_api_key_closes(shared_broker, api_key):
    assert send_and_wait_closed(shared_broker, wire.request(api_key, 0, 11)) == b""
    assert_serves(shared_broker)


@pytest.mark.parametrize("version", [99, 1, -1], ids=["v99", "v1", "v-1"])
def test_unsupported_produce_version_closes(shared_broker, version):
    body = struct.pack(">hii", 1, 1000, 0)  # acks, timeout, no topics (v1 layout)
    assert send_and_wait_closed(shared_broker, wire.request(wire.PRODUCE, version, 12, body)) == b""
    assert_serves(shared_broker)


@pytest.mark.parametrize("version", [99, 4, 32767])
def test_api_versions_unknown_version_answered_with_v0(shared_broker, version):
    """KIP-511: an ApiVersions version the broker lacks gets a v0 body with UNSUPPORTED_VERSION (35) and
    the ranges it has, and the connection stays open for the retry."""
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(wire.api_versions_request(version, 12345))
        correlation, body = wire.read_response(sock)
        assert correlation == 12345
        error, ranges, throttle = wire.decode_api_versions(body, 0)
        assert error == 35
        assert ranges[wire.API_VERSIONS] == (0, 3)
        assert ranges[wire.PRODUCE] == (3, 11)
        assert ranges[1] == (4, 16)     # Fetch
        assert ranges[wire.METADATA] == (0, 12)
        # The client retries on the same connection with a version the broker has.
        sock.sendall(wire.api_versions_request(3, 12346))
        correlation, body = wire.read_response(sock)
        assert correlation == 12346
        assert wire.decode_api_versions(body, 3)[0] == 0
    assert_serves(shared_broker)


def test_api_versions_v3_bad_software_name(shared_broker):
    """KIP-511: a client software name outside [a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])? is INVALID_REQUEST."""
    body = wire.compact_string("bad name!") + wire.compact_string("1.0") + wire.uvarint(0)
    with wire.connect(shared_broker.host, shared_broker.port) as sock:
        sock.sendall(wire.request(wire.API_VERSIONS, 3, 77, body, flexible=True))
        correlation, body = wire.read_response(sock)
    assert correlation == 77
    assert wire.decode_api_versions(body, 3)[0] == 42
    assert_serves(shared_broker)


@pytest.mark.parametrize("api_key,version,body", [
    (wire.METADATA, 12, b"\xff\xff\xff\xff\xff"),            # flexible: an endless varint
    (wire.METADATA, 1, struct.pack(">i", 5) + b"\x00"),      # 5 topics promised, none there
    (wire.PRODUCE, 9, b"\x00"),                              # cut right after the start
    (wire.PRODUCE, 3, struct.pack(">h", 30000) + b"tx"),     # transactional id longer than the frame
    (19, 5, b"\x07" * 40),                                   # CreateTopics v5: garbage
    (1, 12, b""),                                            # Fetch v12: empty body
    (wire.API_VERSIONS, 3, b"\x80"),                         # ApiVersions v3: a broken varint
], ids=["metadata-v12-varint", "metadata-v1-short", "produce-v9-cut", "produce-v3-long-string",
        "createtopics-v5-garbage", "fetch-v12-empty", "apiversions-v3-varint"])
def test_garbage_body_with_valid_header_closes(shared_broker, api_key, version, body):
    flexible = (api_key, version) in {(wire.METADATA, 12), (wire.PRODUCE, 9), (19, 5), (1, 12), (wire.API_VERSIONS, 3)}
    received = send_and_wait_closed(shared_broker, wire.request(api_key, version, 13, body, flexible=flexible))
    assert received == b""
    assert_serves(shared_broker)


def test_good_request_after_bad_one_on_another_connection_is_answered_in_full(shared_broker):
    """A client that keeps its connection open is not disturbed by another client's bad frames."""
    with wire.connect(shared_broker.host, shared_broker.port) as good:
        good.sendall(wire.api_versions_request(0, 1))
        assert wire.read_response(good)[0] == 1
        send_and_wait_closed(shared_broker, wire.request(999, 0, 2))
        send_and_wait_closed(shared_broker, struct.pack(">i", -1))
        good.sendall(wire.api_versions_request(3, 3))
        correlation, body = wire.read_response(good)
        assert correlation == 3 and wire.decode_api_versions(body, 3)[0] == 0


def test_many_abandoned_connections(shared_broker):
    sockets = []
    try:
        for i in range(200):
            s = socket.create_connection((shared_broker.host, shared_broker.port), timeout=5)
            s.sendall(struct.pack(">i", 1000) + b"\x00" * (i % 50))
            sockets.append(s)
    finally:
        for s in sockets:
            s.close()
    assert_serves(shared_broker)
    # And the broker is still answering its old connection count-independent requests quickly.
    started = time.monotonic()
    wire.api_versions_roundtrip(shared_broker.host, shared_broker.port)
    assert time.monotonic() - started < 5
