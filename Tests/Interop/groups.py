"""Helpers for the consumer-group tests: confluent-kafka members that record their assignments through the
rebalance callbacks, a bounded round-robin poll over several members, a member in a child process (to be
killed with SIGKILL), and a few checks shared by the group tests.

Every member here is polled from the test's thread: librdkafka only completes a rebalance once the
application has served the callbacks in poll(), so all members of a group are polled in turn."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaError, KafkaException, TopicPartition

import ck

# Fast group settings for tests where the timing itself is not under test: the smallest session timeout
# the broker accepts by default (group.min.session.timeout.ms=6000) and a heartbeat every second, so that
# members learn of a rebalance within about a second.
FAST_MEMBER = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 1000}
NO_INITIAL_DELAY = {"group.initial.rebalance.delay.ms": 0}

HERE = os.path.dirname(os.path.abspath(__file__))


def ck_conf(broker, group, **conf):
    return {"bootstrap.servers": broker.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, **FAST_MEMBER, **conf}


class CkMember:
    """A confluent-kafka consumer subscribed in a group. `assigned` is the set of (topic, partition) it
    owns now, kept by on_assign/on_revoke/on_lost (full sets under eager protocols, increments under
    cooperative-sticky); `events` logs (monotonic time, kind, sorted partitions)."""

    def __init__(self, broker, group, topics, name, commit_each=False, **conf):
        self.name = name
        self.commit_each = commit_each  # commit every message synchronously once poll() returned it
        self.assigned = set()
        self.events = []
        self.messages = []
        self.consumer = Consumer(ck_conf(broker, group, **conf))
        self.subscribed_at = time.monotonic()
        self.consumer.subscribe(list(topics), on_assign=self._on_assign, on_revoke=self._on_revoke,
                                on_lost=self._on_lost)
        self.closed = False

    def _log(self, kind, partitions):
        tps = sorted((p.topic, p.partition) for p in partitions)
        self.events.append((time.monotonic(), kind, tps))
        return tps

    def _on_assign(self, consumer, partitions):
        self.assigned |= set(self._log("assign", partitions))

    def _on_revoke(self, consumer, partitions):
        self.assigned -= set(self._log("revoke", partitions))

    def _on_lost(self, consumer, partitions):
        self.assigned -= set(self._log("lost", partitions))

    def poll(self, timeout=0.05):
        msg = self.consumer.poll(timeout)
        if msg is None:
            return None
        if msg.error() is not None:
            if msg.error().code() == KafkaError._PARTITION_EOF:
                return None
            raise AssertionError(f"{self.name}: consumer error {msg.error()}")
        self.messages.append(msg)
        if self.commit_each:
            commit_sync(self.consumer, {(msg.topic(), msg.partition()): msg.offset() + 1})
        return msg

    def first_assigned_at(self):
        """When on_assign first brought a non-empty assignment (monotonic), or None."""
        return next((t for t, kind, tps in self.events if kind == "assign" and tps), None)

    def close(self):
        if not self.closed:
            self.closed = True
            self.consumer.close()


def poll_until(members, condition, timeout, what):
    """Polls every open member in turn until `condition()` holds; fails after `timeout` seconds with the
    members' assignments. Returns the seconds it took."""
    start = time.monotonic()
    deadline = start + timeout
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() >= deadline:
            state = {m.name: sorted(m.assigned) for m in members if not m.closed}
            raise AssertionError(f"not within {timeout}s: {what}; assignments now {state}")
        for m in members:
            if not m.closed:
                m.poll(0.05)


def poll_for(members, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for m in members:
            if not m.closed:
                m.poll(0.05)


def partitions_of(topic, count):
    return {(topic, p) for p in range(count)}


def is_exact_cover(assignments, expected):
    """True when the sets in `assignments` are disjoint and their union is `expected`."""
    union = set()
    total = 0
    for a in assignments:
        union |= set(a)
        total += len(a)
    return union == set(expected) and total == len(expected)


def balanced_cover(members, expected):
    """A condition: the members' assignments cover `expected` exactly once, as evenly as possible."""
    def check():
        sizes = [len(m.assigned) for m in members]
        return is_exact_cover([m.assigned for m in members], expected) and max(sizes) - min(sizes) <= 1
    return check


def commit_sync(consumer, offsets):
    """Commits {(topic, partition): next offset} synchronously; fails on any partition error."""
    tps = [TopicPartition(t, p, o) for (t, p), o in sorted(offsets.items())]
    result = consumer.commit(offsets=tps, asynchronous=False)
    errors = [(tp.topic, tp.partition, tp.error) for tp in result if tp.error is not None]
    assert not errors, f"commit failed: {errors}"


class ChildMember:
    """A confluent-kafka group member in its own Python process (group_member.py), so that a test can kill
    it with SIGKILL like a crashed consumer. Its assignments arrive as JSON lines on stdout (its stderr,
    librdkafka's log, goes to the test's); it dies with the test process (PR_SET_PDEATHSIG), and `kill()`
    and `stop()` signal only its own pid."""

    def __init__(self, broker, group, topics, **conf):
        spec = {"conf": ck_conf(broker, group, **conf), "topics": list(topics)}
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "group_member.py"), json.dumps(spec)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        self.assigned = set()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            event = json.loads(line)
            with self._lock:
                self.assigned = {tuple(tp) for tp in event["assigned"]}

    def current(self):
        with self._lock:
            return set(self.assigned)

    def kill(self):
        """SIGKILL, by pid; returns the monotonic time it was sent."""
        at = time.monotonic()
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        return at

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._reader.join(5)


def committed_offsets(broker, group, timeout=15):
    """{(topic, partition): committed offset} of every partition `group` has an offset for, read with the
    confluent-kafka AdminClient (OffsetFetch for all partitions). librdkafka's admin does not retry
    COORDINATOR_LOAD_IN_PROGRESS (a broker replaying __consumer_offsets after a start), so this does."""
    a = ck.admin(broker)
    deadline = time.monotonic() + timeout
    while True:
        future = a.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group]
        try:
            result = future.result(timeout=timeout)
            break
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.COORDINATOR_LOAD_IN_PROGRESS or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    assert result.group_id == group
    errors = [(tp.topic, tp.partition, tp.error) for tp in result.topic_partitions if tp.error is not None]
    assert not errors, f"offset fetch errors: {errors}"
    return {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions}


def wait_until(condition, timeout, what, interval=0.05):
    """Checks `condition()` every `interval` until it holds; fails after `timeout` seconds. Returns the
    seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(interval)
    return time.monotonic() - start


class KpMember:
    """A kafka-python consumer subscribed in a group, with CkMember's polling interface: `assigned` is its
    current assignment as (topic, partition) pairs (kafka-python joins and rebalances inside poll)."""

    def __init__(self, broker, group, topics, name, assignors, **conf):
        from kafka import KafkaConsumer
        self.name = name
        self.messages = []
        self.closed = False
        self.consumer = KafkaConsumer(
            bootstrap_servers=broker.bootstrap, group_id=group, enable_auto_commit=False,
            auto_offset_reset="earliest", session_timeout_ms=6000, heartbeat_interval_ms=1000,
            partition_assignment_strategy=assignors, **conf)
        self.consumer.subscribe(list(topics))

    @property
    def assigned(self):
        return {(tp.topic, tp.partition) for tp in self.consumer.assignment()}

    def poll(self, timeout=0.05):
        for records in self.consumer.poll(timeout_ms=int(timeout * 1000)).values():
            self.messages += records

    def close(self):
        if not self.closed:
            self.closed = True
            self.consumer.close()
