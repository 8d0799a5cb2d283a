"""`gregor consume --group` and `gregor group ...` against a real broker, checked with confluent-kafka.

What gregor commits is read back by confluent-kafka consumers (and the other way round), so each side
checks the other; a confluent-kafka member shares a group with `gregor consume --group`, which must leave
cleanly on Ctrl-C."""

import queue
import signal
import subprocess
import threading
import time

import confluent_kafka as ck

from test_gregor_cli import gregor

FAST = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 1000}


def produce(broker, topic, count, partitions):
    producer = ck.Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(count):
        producer.produce(topic, value=f"v{i}".encode(), partition=i % partitions)
    assert producer.flush(10) == 0


def committed(broker, group, topic, partitions):
    """The group's committed offsets as confluent-kafka sees them (-1001 where none)."""
    consumer = ck.Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    try:
        answer = consumer.committed([ck.TopicPartition(topic, p) for p in range(partitions)], timeout=10)
        return {tp.partition: tp.offset for tp in answer}
    finally:
        consumer.close()


def commit_as_group(broker, group, topic, offsets):
    """Commits {partition: offset} for `group` with confluent-kafka (no membership: a simple commit)."""
    consumer = ck.Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    try:
        consumer.commit(offsets=[ck.TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
    finally:
        consumer.close()


def drain(consumer, want, seconds=30):
    """Polls until `want` messages arrived or the time is up; returns their values."""
    values, deadline = [], time.monotonic() + seconds
    while len(values) < want and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            values.append(message.value().decode())
    return values


class Lines:
    """A child process's stderr, line by line, readable with a time limit."""

    def __init__(self, stream):
        self.queue = queue.Queue()
        threading.Thread(target=lambda: [self.queue.put(line) for line in stream], daemon=True).start()

    def wait_for(self, text, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {seconds} s")


def test_consume_with_group_commits_exactly_what_it_printed(gregor_bin, group_broker):
    gregor(gregor_bin, group_broker, "topic", "create", "gcli-resume", "--partitions", "3")
    produce(group_broker, "gcli-resume", 30, 3)
    first = gregor(gregor_bin, group_broker, "consume", "gcli-resume", "--group", "gcli-a", "--from", "beginning",
                   "--count", "12")
    printed = first.stdout.splitlines()
    assert len(printed) == 12 and "Consumed 12 record(s) in group gcli-a" in first.stderr
    offsets = committed(group_broker, "gcli-a", "gcli-resume", 3)
    assert sum(max(o, 0) for o in offsets.values()) == 12, offsets
    consumer = ck.Consumer({"bootstrap.servers": group_broker.bootstrap, "group.id": "gcli-a",
                            "auto.offset.reset": "earliest", **FAST})
    consumer.subscribe(["gcli-resume"])  # partitions gregor committed resume there, the others start at 0
    rest = drain(consumer, 18)
    consumer.close()
    assert sorted(printed + rest) == sorted(f"v{i}" for i in range(30)), "resumed exactly after what gregor printed"


def test_gregor_and_confluent_kafka_share_a_group_and_ctrl_c_leaves_it(gregor_bin, group_broker):
    gregor(gregor_bin, group_broker, "topic", "create", "gcli-share", "--partitions", "4")
    child = subprocess.Popen(
        [gregor_bin, "consume", "gcli-share", "--group", "gcli-b", "--from", "beginning",
         "--bootstrap", group_broker.bootstrap],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        notes = Lines(child.stderr)
        assert "gcli-share-0, gcli-share-1, gcli-share-2, gcli-share-3" in notes.wait_for("assigned")
        member = ck.Consumer({"bootstrap.servers": group_broker.bootstrap, "group.id": "gcli-b", **FAST})
        mine = []
        member.subscribe(["gcli-share"], on_assign=lambda _, parts: mine.extend(p.partition for p in parts))
        deadline = time.monotonic() + 30
        while not mine and time.monotonic() < deadline:
            member.poll(0.2)
        assert len(mine) == 2, f"confluent-kafka got {mine}"
        second = notes.wait_for("assigned")
        gregors = {int(part.rsplit("-", 1)[1]) for part in second.split("assigned ")[1].strip().split(", ")}
        assert gregors | set(mine) == {0, 1, 2, 3} and not gregors & set(mine)
        child.send_signal(signal.SIGINT)
        notes.wait_for("Consumed")
        assert child.wait(timeout=15) == 0
        # gregor left the group (LeaveGroup), so the remaining member takes all partitions at once rather
        # than after a session timeout.
        mine.clear()
        left_at = time.monotonic()
        while len(mine) < 4 and time.monotonic() < left_at + 30:
            member.poll(0.2)
        assert sorted(mine) == [0, 1, 2, 3] and time.monotonic() - left_at < 5
        member.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_group_list_describe_reset_and_delete(gregor_bin, group_broker):
    run = lambda *args, **kw: gregor(gregor_bin, group_broker, *args, **kw)  # noqa: E731
    run("topic", "create", "gcli-admin", "--partitions", "2")
    produce(group_broker, "gcli-admin", 20, 2)  # 10 records per partition
    commit_as_group(group_broker, "gcli-c", "gcli-admin", {0: 4, 1: 10})

    listed = [line.split() for line in run("group", "list").stdout.splitlines()]
    assert ["gcli-c", "Empty", "-", "1"] in listed, listed
    described = run("group", "describe", "gcli-c").stdout
    assert "Consumer group 'gcli-c': Empty, 0 member(s)" in described
    rows = {row[2]: row[3:6] for row in (line.split() for line in described.splitlines()) if row[:2] == ["gcli-c", "gcli-admin"]}
    assert rows == {"0": ["4", "10", "6"], "1": ["10", "10", "0"]}
    assert "Total lag: 6" in described

    dry = run("group", "reset-offsets", "gcli-c", "--topic", "gcli-admin", "--to-earliest").stdout
    assert "dry run" in dry
    assert committed(group_broker, "gcli-c", "gcli-admin", 2) == {0: 4, 1: 10}, "a dry run changes nothing"
    run("group", "reset-offsets", "gcli-c", "--topic", "gcli-admin", "--to-earliest", "--execute")
    assert committed(group_broker, "gcli-c", "gcli-admin", 2) == {0: 0, 1: 0}
    run("group", "reset-offsets", "gcli-c", "--all-topics", "--shift-by", "7", "--execute")
    assert committed(group_broker, "gcli-c", "gcli-admin", 2) == {0: 7, 1: 7}
    run("group", "reset-offsets", "gcli-c", "--topic", "gcli-admin:1", "--to-offset", "99", "--execute")
    assert committed(group_broker, "gcli-c", "gcli-admin", 2) == {0: 7, 1: 10}, "clamped to the log end offset"
    both = run("group", "reset-offsets", "gcli-c", "--all-topics", "--to-earliest", "--to-latest", check=False)
    assert both.returncode != 0 and "exactly one of" in both.stderr

    member = ck.Consumer({"bootstrap.servers": group_broker.bootstrap, "group.id": "gcli-c", **FAST})
    member.subscribe(["gcli-admin"])
    assigned = time.monotonic() + 30
    while not member.assignment() and time.monotonic() < assigned:
        member.poll(0.2)
    busy = run("group", "reset-offsets", "gcli-c", "--all-topics", "--to-earliest", "--execute", check=False)
    assert busy.returncode != 0 and "inactive" in busy.stderr and busy.stderr.count("\n") == 1
    active = run("group", "describe", "gcli-c").stdout
    assert "Stable, 1 member(s)" in active and "rdkafka" in active
    refused = run("group", "delete", "gcli-c", check=False)
    assert refused.returncode != 0 and "NON_EMPTY_GROUP" in refused.stderr
    member.close()

    run("group", "delete", "gcli-c", "--topic", "gcli-admin")
    assert committed(group_broker, "gcli-c", "gcli-admin", 2) == {0: -1001, 1: -1001}
    commit_as_group(group_broker, "gcli-c", "gcli-admin", {0: 1})
    assert "Deleted consumer group 'gcli-c'" in run("group", "delete", "gcli-c").stdout
    assert not any(line.startswith("gcli-c ") for line in run("group", "list").stdout.splitlines())
    missing = run("group", "delete", "gcli-c", check=False)
    assert missing.returncode != 0 and "GROUP_ID_NOT_FOUND" in missing.stderr
