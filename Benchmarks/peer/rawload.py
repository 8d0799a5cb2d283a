"""A nearly free client, to see the broker when librdkafka itself is the bottleneck.

    rawload.py produce BOOTSTRAP TOPIC --partitions 1 --records 1000000 --size 100
    rawload.py consume BOOTSTRAP TOPIC --partitions 1 --records 1000000

On a 2-core machine kcat needs most of a core for a million 100-byte records, so its rate says more about
librdkafka than about the broker. This client does no per-record work at all: it builds record batches
(v2, CRC-32C, 5,000 records of `size` bytes, about the size librdkafka makes with linger.ms=5) once, then
sends them again and again in Produce v7 requests (acks=all, one batch per partition per request, up to
5 requests in flight), as a client replaying a log would; the broker assigns the offsets. The consumer
sends Fetch v11 requests (librdkafka's defaults: 1 MiB per partition, 50 MiB per answer) and counts
records from the batch headers only. Both print one JSON line; errors in any answer fail the run.
"""

import argparse
import json
import socket
import struct
import sys
import time

BATCH_RECORDS = 5000
IN_FLIGHT = 5


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def varint(n):
    n = (n << 1) ^ (n >> 63)  # zigzag
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def record_batch(count, size):
    """One uncompressed v2 batch of `count` records, no key, `size`-byte values numbered within the batch."""
    filler = b"v" * (size - 10)
    records = bytearray()
    for i in range(count):
        body = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(size) + b"%010d" % i + filler + varint(0)
        records += varint(len(body)) + body
    now = int(time.time() * 1000)
    after_crc = struct.pack(">hiqqqhii", 0, count - 1, now, now, -1, -1, -1, count) + records
    header = struct.pack(">qiibI", 0, 4 + 1 + 4 + len(after_crc), -1, 2, crc32c(after_crc))
    return header + after_crc


def kstring(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


class Connection:
    def __init__(self, bootstrap):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.correlation = 0

    def send(self, api_key, version, body):
        self.correlation += 1
        header = struct.pack(">hhi", api_key, version, self.correlation) + kstring("rawload")
        self.sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
        return self.correlation

    def receive(self):
        """One response body (after the correlation id); responses arrive in request order."""
        size = struct.unpack(">i", self._exactly(4))[0]
        frame = self._exactly(size)
        return struct.unpack_from(">i", frame)[0], memoryview(frame)[4:]

    def _exactly(self, n):
        buf = bytearray(n)
        view, got = memoryview(buf), 0
        while got < n:
            r = self.sock.recv_into(view[got:], n - got)
            if r == 0:
                raise ConnectionError("broker closed the connection")
            got += r
        return buf


def produce(args):
    batch = record_batch(BATCH_RECORDS, args.size)
    if args.records % BATCH_RECORDS:
        raise SystemExit(f"--records must be a multiple of {BATCH_RECORDS}")
    batches = args.records // BATCH_RECORDS
    requests = []
    for first in range(0, batches, args.partitions):
        n = min(args.partitions, batches - first)
        parts = b"".join(struct.pack(">ii", (first + k) % args.partitions, len(batch)) + batch for k in range(n))
        requests.append(struct.pack(">hhii", -1, -1, 30000, 1) + kstring(args.topic) + struct.pack(">i", n) + parts)
    conn = Connection(args.bootstrap)
    started = time.perf_counter()
    sent = answered = 0
    while answered < len(requests):
        while sent < len(requests) and sent - answered < IN_FLIGHT:
            conn.send(0, 7, requests[sent])
            sent += 1
        _, body = conn.receive()
        check_produce(body)
        answered += 1
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "records": args.records, "requests": len(requests),
                      "batch_bytes": len(batch)}), flush=True)


def check_produce(body):
    (topics,), pos = struct.unpack_from(">i", body), 4
    for _ in range(topics):
        (name_len,) = struct.unpack_from(">h", body, pos)
        pos += 2 + name_len
        (parts,) = struct.unpack_from(">i", body, pos)
        pos += 4
        for _ in range(parts):
            partition, error = struct.unpack_from(">ih", body, pos)
            pos += 4 + 2 + 8 + 8 + 8
            if error:
                raise SystemExit(f"produce to partition {partition} failed with error code {error}")


def consume(args):
    conn = Connection(args.bootstrap)
    offsets = [0] * args.partitions
    count = 0
    started = time.perf_counter()
    deadline = time.monotonic() + args.timeout
    while count < args.records:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {count} of {args.records} records after {args.timeout} s")
        parts = b"".join(struct.pack(">iiqqi", p, -1, offsets[p], -1, 1 << 20) for p in range(args.partitions))
        body = struct.pack(">iiiibii", -1, 10, 1, 50 << 20, 0, 0, -1) + struct.pack(">i", 1) + kstring(args.topic) + \
            struct.pack(">i", args.partitions) + parts + struct.pack(">i", 0) + kstring("")
        conn.send(1, 11, body)
        _, response = conn.receive()
        count += read_fetch(response, offsets)
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "records": count, "end_offsets": offsets}), flush=True)
    if count != args.records:
        raise SystemExit(f"read {count} records, expected {args.records}")


def read_fetch(body, offsets):
    """Counts the whole batches in a Fetch v11 answer and moves each partition's offset past them."""
    _, error, _ = struct.unpack_from(">ihi", body)
    if error:
        raise SystemExit(f"fetch failed with error code {error}")
    pos, count = 10, 0
    (topics,) = struct.unpack_from(">i", body, pos)
    pos += 4
    for _ in range(topics):
        (name_len,) = struct.unpack_from(">h", body, pos)
        pos += 2 + name_len
        (parts,) = struct.unpack_from(">i", body, pos)
        pos += 4
        for _ in range(parts):
            partition, perr = struct.unpack_from(">ih", body, pos)
            pos += 4 + 2 + 8 + 8 + 8
            if perr:
                raise SystemExit(f"fetch from partition {partition} failed with error code {perr}")
            (aborted,) = struct.unpack_from(">i", body, pos)
            pos += 4 + max(0, aborted) * 16 + 4
            (size,) = struct.unpack_from(">i", body, pos)
            pos += 4
            end = pos + max(0, size)
            while pos + 61 <= end:
                base, length = struct.unpack_from(">qi", body, pos)
                if pos + 12 + length > end:
                    break  # a partial batch at the end of the answer: fetched again next time
                last_delta = struct.unpack_from(">i", body, pos + 23)[0]
                records = struct.unpack_from(">i", body, pos + 57)[0]
                if base + last_delta + 1 > offsets[partition]:
                    count += records
                    offsets[partition] = base + last_delta + 1
                pos += 12 + length
            pos = end
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["produce", "consume"])
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    produce(args) if args.role == "produce" else consume(args)


if __name__ == "__main__":
    sys.exit(main())
