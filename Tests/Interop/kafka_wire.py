"""Just enough of the Kafka wire format to talk to a broker over a raw socket: frames, request headers,
ApiVersions requests and responses. Written from the protocol description, independent of Gregor's code."""

import socket
import struct
import time

API_VERSIONS = 18
PRODUCE = 0
METADATA = 3


def int16(v):
    return struct.pack(">h", v)


def int32(v):
    return struct.pack(">i", v)


def uvarint(v):
    out = bytearray()
    while True:
        byte = v & 0x7F
        v >>= 7
        if v:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def nullable_string(s):
    if s is None:
        return int16(-1)
    data = s.encode()
    return int16(len(data)) + data


def compact_string(s):
    data = s.encode()
    return uvarint(len(data) + 1) + data


def frame(payload: bytes) -> bytes:
    return int32(len(payload)) + payload


def request(api_key, api_version, correlation_id, body=b"", client_id="gregor-interop", flexible=False):
    """A request frame: header v1 (v2 with an empty tagged-field section when `flexible`) and the body."""
    header = int16(api_key) + int16(api_version) + int32(correlation_id) + nullable_string(client_id)
    if flexible:
        header += uvarint(0)
    return frame(header + body)


def api_versions_request(version, correlation_id):
    """ApiVersions at any version; v3 and above are flexible and name the client software."""
    if version >= 3:
        body = compact_string("gregor-interop") + compact_string("1.0") + uvarint(0)
        return request(API_VERSIONS, version, correlation_id, body, flexible=True)
    return request(API_VERSIONS, version, correlation_id)


class Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError(f"short read: need {n} bytes at {self.pos}, have {len(self.data) - self.pos}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def int16(self):
        return struct.unpack(">h", self.take(2))[0]

    def int32(self):
        return struct.unpack(">i", self.take(4))[0]

    def uvarint(self):
        shift = value = 0
        while True:
            byte = self.take(1)[0]
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7

    def skip_tagged_fields(self):
        for _ in range(self.uvarint()):
            self.uvarint()  # tag
            self.take(self.uvarint())

    def at_end(self):
        return self.pos == len(self.data)


def decode_api_versions(body: bytes, version: int):
    """Decodes an ApiVersions response body (after the correlation id; the response header of ApiVersions
    is always v0). Returns (error_code, {api_key: (min, max)}, throttle_time_ms or None)."""
    r = Reader(body)
    error = r.int16()
    ranges = {}
    count = r.uvarint() - 1 if version >= 3 else r.int32()
    for _ in range(count):
        key, low, high = r.int16(), r.int16(), r.int16()
        if version >= 3:
            r.skip_tagged_fields()
        ranges[key] = (low, high)
    throttle = r.int32() if version >= 1 else None
    if version >= 3:
        r.skip_tagged_fields()
    if not r.at_end():
        raise ValueError(f"{len(body) - r.pos} bytes left after ApiVersions v{version}")
    return error, ranges, throttle


def recv_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return bytes(data)


def read_response(sock):
    """One response frame: (correlation_id, rest of the frame after it)."""
    size = struct.unpack(">i", recv_exact(sock, 4))[0]
    if size < 4 or size > 64 * 1024 * 1024:
        raise ConnectionError(f"absurd response size {size}")
    payload = recv_exact(sock, size)
    return struct.unpack(">i", payload[:4])[0], payload[4:]


def connect(host, port, timeout=5.0):
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def api_versions_roundtrip(host, port, version=0, timeout=5.0):
    """Connects, asks ApiVersions, returns the decoded answer; raises OSError on any failure."""
    with connect(host, port, timeout) as sock:
        sock.sendall(api_versions_request(version, 7))
        try:
            correlation, body = read_response(sock)
            if correlation != 7:
                raise ConnectionError(f"correlation id {correlation}, expected 7")
            return decode_api_versions(body, version)
        except (ValueError, struct.error) as error:
            raise ConnectionError(f"undecodable ApiVersions response: {error}") from error


def wait_closed(sock, timeout=5.0):
    """True when the peer closes the connection (EOF or reset) within `timeout`; False if it stays open.
    Any bytes the peer sends meanwhile are returned as the second value."""
    deadline = time.monotonic() + timeout
    received = bytearray()
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            return True, bytes(received)
        if not chunk:
            return True, bytes(received)
        received += chunk
    return False, bytes(received)


# Record batches (magic 2), built by hand so a test can send exactly the producer id, epoch, sequence
# and CRC it wants.

def varint(v):
    """A zigzag varint (signed)."""
    return uvarint((v << 1) ^ (v >> 63))


def _bytes_field(b):
    return varint(-1) if b is None else varint(len(b)) + b


def record(offset_delta, key, value, timestamp_delta=0, headers=()):
    body = b"\x00" + varint(timestamp_delta) + varint(offset_delta) + _bytes_field(key) + _bytes_field(value)
    body += varint(len(headers))
    for name, hvalue in headers:
        body += _bytes_field(name.encode()) + _bytes_field(hvalue)
    return varint(len(body)) + body


def record_batch(records, base_timestamp, producer_id=-1, producer_epoch=-1, base_sequence=-1, attributes=0):
    """A record batch v2 over (key, value) pairs, with a correct CRC-32C."""
    from segments import crc32c
    body = b"".join(record(i, k, v) for i, (k, v) in enumerate(records))
    after_crc = struct.pack(">hiqqqhii", attributes, len(records) - 1, base_timestamp, base_timestamp,
                            producer_id, producer_epoch, base_sequence, len(records)) + body
    crc = crc32c(after_crc)
    batch_length = 4 + 1 + 4 + len(after_crc)  # partitionLeaderEpoch, magic, crc, rest
    return struct.pack(">qiibI", 0, batch_length, -1, 2, crc) + after_crc


def produce_v3(topic, partition, records_bytes, acks=-1, timeout_ms=10000):
    body = nullable_string(None) + struct.pack(">hi", acks, timeout_ms)
    body += int32(1) + nullable_string(topic) + int32(1) + int32(partition)
    body += int32(len(records_bytes)) + records_bytes
    return body


def decode_produce_v3(body):
    """[(topic, partition, error_code, base_offset, log_append_time)] from a Produce v3 response body."""
    r = Reader(body)
    out = []
    for _ in range(r.int32()):
        topic = r.take(r.int16()).decode()
        for _ in range(r.int32()):
            partition, error = r.int32(), r.int16()
            base_offset, append_time = struct.unpack(">qq", r.take(16))
            out.append((topic, partition, error, base_offset, append_time))
    r.int32()  # throttle time
    return out


def init_producer_id_v0(correlation_id):
    return request(22, 0, correlation_id, nullable_string(None) + int32(60000))


def decode_init_producer_id_v0(body):
    r = Reader(body)
    r.int32()  # throttle time
    error = r.int16()
    producer_id, epoch = struct.unpack(">qh", r.take(10))
    return error, producer_id, epoch


def fetch_v4(partitions, max_wait_ms, min_bytes=1, max_bytes=50 * 1024 * 1024):
    """A Fetch v4 body; `partitions` is [(topic, partition, offset, partition_max_bytes)], one topic."""
    topic = partitions[0][0]
    body = struct.pack(">iiiib", -1, max_wait_ms, min_bytes, max_bytes, 0)
    body += int32(1) + nullable_string(topic) + int32(len(partitions))
    for _, partition, offset, partition_max in partitions:
        body += struct.pack(">iqi", partition, offset, partition_max)
    return body


def decode_fetch_v4(body):
    """{partition: (error_code, high_watermark, records bytes)} from a Fetch v4 response body (one topic)."""
    r = Reader(body)
    r.int32()  # throttle time
    out = {}
    for _ in range(r.int32()):
        r.take(r.int16())  # topic
        for _ in range(r.int32()):
            partition, error = r.int32(), r.int16()
            high_watermark, _last_stable = struct.unpack(">qq", r.take(16))
            aborted = r.int32()
            for _ in range(max(0, aborted)):
                r.take(16)
            size = r.int32()
            out[partition] = (error, high_watermark, r.take(size) if size > 0 else b"")
    return out


def batches_in(records: bytes):
    """(base_offset, size, complete) for each batch in a Fetch response's records (the last may be cut)."""
    out = []
    position = 0
    while position + 12 <= len(records):
        base_offset, length = struct.unpack(">qi", records[position:position + 12])
        size = 12 + length
        out.append((base_offset, size, position + size <= len(records)))
        position += size
    return out


def metadata_v4(names, allow_auto_topic_creation):
    body = int32(len(names)) + b"".join(nullable_string(n) for n in names)
    return body + bytes([1 if allow_auto_topic_creation else 0])


def decode_metadata_v4_topics(body):
    """[(topic, error_code, partition count)] from a Metadata v4 response body."""
    r = Reader(body)
    r.int32()  # throttle time
    for _ in range(r.int32()):  # brokers: node id, host, port, rack
        r.int32()
        r.take(r.int16())
        r.int32()
        rack = r.int16()
        r.take(max(rack, 0))
    cluster = r.int16()
    r.take(max(cluster, 0))
    r.int32()  # controller id
    topics = []
    for _ in range(r.int32()):
        error = r.int16()
        name = r.take(r.int16()).decode()
        r.take(1)  # is_internal
        count = r.int32()
        for _ in range(count):
            r.int16(), r.int32(), r.int32()  # error, index, leader
            for _ in range(2):  # replicas, isr
                for _ in range(r.int32()):
                    r.int32()
        topics.append((name, error, count))
    return topics


DESCRIBE_QUORUM = 55


def describe_quorum(host, port, timeout=5.0):
    """DescribeQuorum v0 for __cluster_metadata-0, decoded independently of Gregor's codec:
    {"error", "leader", "epoch", "high_watermark", "voters": {id: log_end_offset}, "observers": {...}}."""
    body = uvarint(2) + compact_string("__cluster_metadata") + uvarint(2) + int32(0) + uvarint(0) + uvarint(0) + uvarint(0)
    with connect(host, port, timeout) as sock:
        sock.sendall(request(DESCRIBE_QUORUM, 0, 11, body, flexible=True))
        correlation, payload = read_response(sock)
    assert correlation == 11, correlation
    r = Reader(payload)
    r.skip_tagged_fields()  # response header v1
    top_error = r.int16()
    result = None
    for _ in range(r.uvarint() - 1):
        name = r.take(r.uvarint() - 1).decode()
        for _ in range(r.uvarint() - 1):
            index, error, leader, epoch = r.int32(), r.int16(), r.int32(), r.int32()
            high_watermark = struct.unpack(">q", r.take(8))[0]
            replicas = []
            for _ in range(2):
                states = {}
                for _ in range(r.uvarint() - 1):
                    replica = r.int32()
                    states[replica] = struct.unpack(">q", r.take(8))[0]
                    r.skip_tagged_fields()
                replicas.append(states)
            r.skip_tagged_fields()
            if name == "__cluster_metadata" and index == 0:
                result = {"error": error or top_error, "leader": leader, "epoch": epoch, "high_watermark": high_watermark,
                          "voters": replicas[0], "observers": replicas[1]}
        r.skip_tagged_fields()
    r.skip_tagged_fields()
    assert r.at_end(), f"{len(payload) - r.pos} bytes left after DescribeQuorum"
    return result
