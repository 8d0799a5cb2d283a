"""The `gregor` command against a real broker: topic admin, produce, consume, its errors and help.

Records produced with `gregor produce` are read back with confluent-kafka (a client others wrote), and
records produced with confluent-kafka are printed by `gregor consume`, so each side checks the other.
"""

import json
import subprocess

import confluent_kafka as ck


def gregor(gregor_bin, broker, *args, input=None, check=True):
    result = subprocess.run(
        [gregor_bin, *args, "--bootstrap", broker.bootstrap], input=input, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"gregor {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def test_topic_lifecycle(gregor_bin, shared_broker):
    created = gregor(gregor_bin, shared_broker, "topic", "create", "cli-orders", "--partitions", "3",
                     "--config", "retention.ms=3600000")
    assert "Created topic cli-orders with 3 partition(s)" in created.stdout
    again = gregor(gregor_bin, shared_broker, "topic", "create", "cli-orders", check=False)
    assert again.returncode != 0
    assert "TOPIC_ALREADY_EXISTS" in again.stderr and again.stderr.count("\n") == 1
    assert gregor(gregor_bin, shared_broker, "topic", "create", "cli-orders", "--if-not-exists").returncode == 0
    assert "cli-orders" in gregor(gregor_bin, shared_broker, "topic", "list").stdout.split()
    gregor(gregor_bin, shared_broker, "topic", "alter", "cli-orders", "--partitions", "4", "--set", "segment.bytes=1048576")
    described = gregor(gregor_bin, shared_broker, "topic", "describe", "cli-orders").stdout
    assert "PartitionCount: 4" in described
    assert "retention.ms=3600000" in described and "segment.bytes=1048576" in described
    rows = [line.split() for line in described.splitlines()[2:]]
    assert [row[0] for row in rows] == ["0", "1", "2", "3"]
    assert all(row[1] == "1" and row[4] == "1" for row in rows)  # leader 1, ISR 1
    gregor(gregor_bin, shared_broker, "topic", "delete", "cli-orders")
    assert "cli-orders" not in gregor(gregor_bin, shared_broker, "topic", "list").stdout.split()
    missing = gregor(gregor_bin, shared_broker, "topic", "delete", "cli-orders", check=False)
    assert missing.returncode != 0 and "UNKNOWN_TOPIC_OR_PARTITION" in missing.stderr


def test_produce_is_read_by_confluent_kafka(gregor_bin, shared_broker):
    gregor(gregor_bin, shared_broker, "topic", "create", "cli-in", "--partitions", "2")
    lines = "".join(f"user-{i % 4}:event-{i}\n" for i in range(40))
    result = gregor(gregor_bin, shared_broker, "produce", "cli-in", "--key-separator", ":", "--header", "source=cli",
                    "--print-offsets", input=lines)
    assert "Produced 40 record(s)" in result.stderr
    assert len(result.stdout.splitlines()) == 40
    consumer = ck.Consumer({"bootstrap.servers": shared_broker.bootstrap, "group.id": "cli-check",
                            "enable.auto.commit": False})
    consumer.assign([ck.TopicPartition("cli-in", p, 0) for p in (0, 1)])
    seen = []
    for _ in range(100):
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            seen.append(message)
        if len(seen) == 40:
            break
    consumer.close()
    assert len(seen) == 40
    by_key = {}
    for message in seen:
        assert message.headers() == [("source", b"cli")]
        by_key.setdefault(message.key().decode(), []).append((message.partition(), message.offset(), message.value().decode()))
    for key, events in by_key.items():
        assert len({partition for partition, _, _ in events}) == 1, f"{key} spread over partitions"
        numbers = [int(value.split("-")[1]) for _, _, value in sorted(events, key=lambda e: e[1])]
        assert numbers == sorted(numbers), f"{key} out of order"


def test_consume_prints_what_confluent_kafka_produced(gregor_bin, shared_broker):
    gregor(gregor_bin, shared_broker, "topic", "create", "cli-out", "--partitions", "1")
    producer = ck.Producer({"bootstrap.servers": shared_broker.bootstrap})
    producer.produce("cli-out", key=b"k1", value=b"hello", headers=[("h", b"v")], timestamp=1_700_000_000_000)
    producer.produce("cli-out", key=None, value=b"\x00\xff")
    producer.produce("cli-out", key=b"k3", value=None)
    assert producer.flush(10) == 0
    text = gregor(gregor_bin, shared_broker, "consume", "cli-out", "--from", "beginning", "--exit-at-end", "--print-key")
    assert text.stdout.splitlines()[0] == "k1\thello"
    assert "Consumed 3 record(s)" in text.stderr
    records = [json.loads(line) for line in gregor(
        gregor_bin, shared_broker, "consume", "cli-out", "--from", "beginning", "--count", "3", "--format", "json").stdout.splitlines()]
    assert [r["offset"] for r in records] == [0, 1, 2]
    assert records[0]["key"] == "k1" and records[0]["value"] == "hello" and records[0]["timestamp"] == 1_700_000_000_000
    assert records[0]["headers"] == [{"key": "h", "value": "v"}]
    assert records[1]["key"] is None and records[1]["value"] == {"base64": "AP8="}
    assert records[2]["value"] is None
    hexed = gregor(gregor_bin, shared_broker, "consume", "cli-out", "--from", "1", "--count", "1", "--format", "hex")
    assert hexed.stdout.strip() == "00ff"
    by_time = gregor(gregor_bin, shared_broker, "consume", "cli-out", "--from", "@1700000000001", "--exit-at-end")
    assert "hello" not in by_time.stdout and "Consumed 2 record(s)" in by_time.stderr


def test_errors_are_one_clear_line(gregor_bin, shared_broker):
    unknown = gregor(gregor_bin, shared_broker, "consume", "no-such-topic", "--exit-at-end", check=False)
    assert unknown.returncode != 0 and "does not exist" in unknown.stderr
    bad_partition = gregor(gregor_bin, shared_broker, "topic", "create", "cli-bad", "--partitions", "0", check=False)
    assert bad_partition.returncode != 0 and "INVALID_PARTITIONS" in bad_partition.stderr
    unreachable = subprocess.run([gregor_bin, "topic", "list", "--bootstrap", "127.0.0.1:1", "--timeout", "3"],
                                 capture_output=True, text=True, timeout=30)
    assert unreachable.returncode != 0
    assert unreachable.stderr.strip().count("\n") == 0 and "cannot reach a broker at 127.0.0.1:1" in unreachable.stderr


def test_every_command_has_help_with_an_example(gregor_bin):
    commands = [["playground"], ["broker"], ["topic", "create"], ["topic", "list"], ["topic", "describe"],
                ["topic", "delete"], ["topic", "alter"], ["produce"], ["consume"], ["group", "list"],
                ["group", "describe"], ["group", "reset-offsets"], ["group", "delete"]]
    for command in commands:
        result = subprocess.run([gregor_bin, *command, "--help"], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, command
        assert "Example" in result.stdout, f"gregor {' '.join(command)} --help has no example"
