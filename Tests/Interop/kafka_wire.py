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
