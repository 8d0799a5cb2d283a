"""Raw group requests for what no client lets a test send on purpose (wrong generations, unknown members,
session timeouts out of range, a second static member): FindCoordinator v2, JoinGroup v4/v5, SyncGroup v3,
Heartbeat v3, LeaveGroup v3, OffsetCommit v7 and their answers. All non-flexible versions, so every response header is
just the correlation id. Written from Kafka's message schemas, independent of Gregor's code."""

import struct
import time

from kafka_wire import Reader, connect, int16, int32, nullable_string, read_response, request

OFFSET_COMMIT = 8
FIND_COORDINATOR = 10
JOIN_GROUP = 11
HEARTBEAT = 12
LEAVE_GROUP = 13
SYNC_GROUP = 14

# Kafka's error codes used by the group tests.
NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
ILLEGAL_GENERATION = 22
UNKNOWN_MEMBER_ID = 25
INVALID_SESSION_TIMEOUT = 26
INCONSISTENT_GROUP_PROTOCOL = 23
REBALANCE_IN_PROGRESS = 27
COORDINATOR_LOAD_IN_PROGRESS = 14
COORDINATOR_NOT_AVAILABLE = 15
MEMBER_ID_REQUIRED = 79
FENCED_INSTANCE_ID = 82


def string(s):
    data = s.encode()
    return int16(len(data)) + data


def nullable_bytes(b):
    return int32(-1) if b is None else int32(len(b)) + b


def consumer_subscription(topics):
    """ConsumerProtocolSubscription v0: the metadata a consumer sends with each assignor."""
    return int16(0) + int32(len(topics)) + b"".join(string(t) for t in topics) + nullable_bytes(None)


def consumer_assignment(partitions):
    """ConsumerProtocolAssignment v0 over {topic: [partition, ...]}."""
    body = int16(0) + int32(len(partitions))
    for topic, indexes in partitions.items():
        body += string(topic) + int32(len(indexes)) + b"".join(int32(i) for i in indexes)
    return body + nullable_bytes(None)


def _string(r):
    n = r.int16()
    return None if n < 0 else r.take(n).decode()


def _bytes(r):
    n = r.int32()
    return None if n < 0 else r.take(n)


class GroupConnection:
    """One connection to a broker; `call` sends a request and returns the response body. A JoinGroup is
    held by the broker until its rebalance completes, so each member uses its own connection."""

    def __init__(self, broker, timeout=20.0):
        self.sock = connect(broker.host, broker.port, timeout)
        self.correlation = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, api_key, version, body):
        self.correlation += 1
        self.sock.sendall(request(api_key, version, self.correlation, body))
        correlation, payload = read_response(self.sock)
        assert correlation == self.correlation, f"correlation id {correlation}, expected {self.correlation}"
        return payload

    def find_coordinator(self, group_id):
        """FindCoordinator v2 → (error, node_id, host, port)."""
        r = Reader(self.call(FIND_COORDINATOR, 2, string(group_id) + b"\x00"))
        r.int32()  # throttle
        error = r.int16()
        _string(r)  # error message
        node, host, port = r.int32(), _string(r), r.int32()
        assert r.at_end()
        return error, node, host, port

    def wait_coordinator(self, group_id, timeout=15.0):
        """FindCoordinator until it answers, then a harmless JoinGroup (a session timeout of 1 ms, refused
        with INVALID_SESSION_TIMEOUT once the coordinator has loaded) until the group's coordinator is
        loaded: the first FindCoordinator creates __consumer_offsets, whose coordinators load meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            error = self.find_coordinator(group_id)[0]
            if error == NONE:
                error = self.join_group(group_id, session_timeout_ms=1)["error"]
                if error == INVALID_SESSION_TIMEOUT:
                    return
            assert error in (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS), f"error {error}"
            assert time.monotonic() < deadline, f"no coordinator for {group_id} within {timeout}s (error {error})"
            time.sleep(0.05)

    def join_group(self, group_id, member_id="", session_timeout_ms=10000, rebalance_timeout_ms=10000,
                   topics=("t",), instance_id=None, version=5, protocols=("range",)):
        """JoinGroup v4 or v5 → dict(error, generation, protocol, leader, member_id, members)."""
        assert version in (4, 5)
        body = string(group_id) + int32(session_timeout_ms) + int32(rebalance_timeout_ms) + string(member_id)
        if version >= 5:
            body += nullable_string(instance_id)
        body += string("consumer") + int32(len(protocols))
        for name in protocols:
            body += string(name) + nullable_bytes(consumer_subscription(list(topics)))
        r = Reader(self.call(JOIN_GROUP, version, body))
        r.int32()  # throttle
        out = {"error": r.int16(), "generation": r.int32(), "protocol": _string(r), "leader": _string(r),
               "member_id": _string(r), "members": []}
        for _ in range(r.int32()):
            member = _string(r)
            instance = _string(r) if version >= 5 else None
            out["members"].append((member, instance, _bytes(r)))
        assert r.at_end()
        return out

    def sync_group(self, group_id, generation, member_id, assignments=None, instance_id=None):
        """SyncGroup v3 → (error, assignment bytes). `assignments` is {member_id: bytes} (leader only)."""
        body = string(group_id) + int32(generation) + string(member_id) + nullable_string(instance_id)
        assignments = assignments or {}
        body += int32(len(assignments))
        for member, assignment in assignments.items():
            body += string(member) + nullable_bytes(assignment)
        r = Reader(self.call(SYNC_GROUP, 3, body))
        r.int32()  # throttle
        error, assignment = r.int16(), _bytes(r)
        assert r.at_end()
        return error, assignment

    def heartbeat(self, group_id, generation, member_id, instance_id=None):
        """Heartbeat v3 → error code."""
        body = string(group_id) + int32(generation) + string(member_id) + nullable_string(instance_id)
        r = Reader(self.call(HEARTBEAT, 3, body))
        r.int32()  # throttle
        error = r.int16()
        assert r.at_end()
        return error

    def leave_group(self, group_id, members):
        """LeaveGroup v3 over [(member_id, instance_id)] → (error, [(member_id, instance_id, error)])."""
        body = string(group_id) + int32(len(members))
        for member, instance in members:
            body += string(member) + nullable_string(instance)
        r = Reader(self.call(LEAVE_GROUP, 3, body))
        r.int32()  # throttle
        error = r.int16()
        out = [(_string(r), _string(r), r.int16()) for _ in range(r.int32())]
        assert r.at_end()
        return error, out

    def offset_commit(self, group_id, offsets, generation=-1, member_id="", instance_id=None):
        """OffsetCommit v7 over {(topic, partition): offset} → {(topic, partition): error}."""
        by_topic = {}
        for (topic, partition), offset in offsets.items():
            by_topic.setdefault(topic, []).append((partition, offset))
        body = string(group_id) + int32(generation) + string(member_id) + nullable_string(instance_id)
        body += int32(len(by_topic))
        for topic, partitions in by_topic.items():
            body += string(topic) + int32(len(partitions))
            for partition, offset in partitions:
                body += int32(partition) + struct.pack(">qi", offset, -1) + nullable_string(None)
        r = Reader(self.call(OFFSET_COMMIT, 7, body))
        r.int32()  # throttle
        out = {}
        for _ in range(r.int32()):
            topic = _string(r)
            for _ in range(r.int32()):
                partition, error = r.int32(), r.int16()
                out[(topic, partition)] = error
        assert r.at_end()
        return out
