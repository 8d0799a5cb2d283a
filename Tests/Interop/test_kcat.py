"""kcat against Gregor, twice: with Debian's librdkafka (2.0.x) and with the librdkafka bundled in the
confluent-kafka wheel (2.16), loaded through LD_LIBRARY_PATH. Metadata (-L, -L -J), produce (-P with
keys, headers and a null value), consume (-C -e, formatted text and JSON)."""

import json
import os
import re

import pytest

from support import run

LIBRDKAFKA_VERSION = re.compile(r"librdkafka (\d+\.\d+\.\d+)")


@pytest.fixture(params=["debian", "wheel"])
def kcat(request, kcat_path):
    """(run(args) → CompletedProcess, librdkafka version) for kcat with one librdkafka or the other."""
    env = dict(os.environ)
    if request.param == "wheel":
        wheel_dir = request.getfixturevalue("wheel_librdkafka_dir")
        env["LD_LIBRARY_PATH"] = wheel_dir + os.pathsep + env.get("LD_LIBRARY_PATH", "")
    else:
        env.pop("LD_LIBRARY_PATH", None)
    version_text = run([kcat_path, "-V"], env=env, timeout=10).stdout
    match = LIBRDKAFKA_VERSION.search(version_text)
    assert match, version_text
    version = match.group(1)
    if request.param == "wheel":
        import confluent_kafka
        assert version == confluent_kafka.libversion()[0], f"kcat did not load the wheel's librdkafka: {version_text}"
    else:
        assert version.startswith("2.0."), f"expected Debian's librdkafka 2.0.x, kcat -V says {version_text}"

    def kcat_run(args, input=None, timeout=30):
        return run([kcat_path, "-q", *args], env=env, input=input, timeout=timeout)
    return kcat_run, version


def test_kcat_libraries_differ(kcat_path, wheel_librdkafka_dir):
    plain = run([kcat_path, "-V"], timeout=10, env={k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"})
    wheel = run([kcat_path, "-V"], timeout=10, env={**os.environ, "LD_LIBRARY_PATH": wheel_librdkafka_dir})
    assert LIBRDKAFKA_VERSION.search(plain.stdout).group(1) != LIBRDKAFKA_VERSION.search(wheel.stdout).group(1)


def create_topic(broker, name, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(name, partitions, 1)])[name].result(timeout=15)


def test_metadata_text(shared_broker, kcat, topic_name):
    kcat_run, _ = kcat
    topic = topic_name()
    create_topic(shared_broker, topic, 3)
    out = kcat_run(["-b", shared_broker.bootstrap, "-L", "-t", topic]).stdout
    assert " 1 brokers:" in out, out
    assert f"broker 1 at {shared_broker.bootstrap}" in out, out
    assert f'topic "{topic}" with 3 partitions:' in out, out
    for p in range(3):
        assert re.search(rf"partition {p}, leader 1, replicas: 1, isrs: 1\b", out), out


def test_metadata_json(shared_broker, kcat, topic_name):
    kcat_run, _ = kcat
    topic = topic_name()
    create_topic(shared_broker, topic, 2)
    meta = json.loads(kcat_run(["-b", shared_broker.bootstrap, "-L", "-J"]).stdout)
    assert meta["brokers"] == [{"id": 1, "name": shared_broker.bootstrap}]
    assert meta["controllerid"] == 1
    topics = {t["topic"]: t for t in meta["topics"]}
    assert topic in topics, sorted(topics)
    assert "error" not in topics[topic] or topics[topic]["error"] in (None, "Success")
    partitions = sorted(topics[topic]["partitions"], key=lambda p: p["partition"])
    assert [p["partition"] for p in partitions] == [0, 1]
    for p in partitions:
        assert p["leader"] == 1
        assert p["replicas"] == [{"id": 1}]
        assert p["isrs"] == [{"id": 1}]


def test_produce_and_consume_keys_headers_null(shared_broker, kcat, topic_name):
    kcat_run, _ = kcat
    topic = topic_name()
    create_topic(shared_broker, topic, 2)
    lines = "alpha:one\nbeta:two\ngamma:\nalpha:three\n"
    kcat_run(["-b", shared_broker.bootstrap, "-P", "-t", topic, "-p", "1", "-K:", "-Z",
              "-H", "trace=abc", "-H", "n=1"], input=lines)
    out = kcat_run(["-b", shared_broker.bootstrap, "-C", "-t", topic, "-p", "1", "-o", "beginning", "-e", "-Z",
                    "-f", r"%p|%o|%k|%s|%h\n"]).stdout
    assert out.splitlines() == [
        "1|0|alpha|one|trace=abc,n=1",
        "1|1|beta|two|trace=abc,n=1",
        "1|2|gamma|NULL|trace=abc,n=1",
        "1|3|alpha|three|trace=abc,n=1",
    ]
    # Partition 0 stayed empty.
    empty = kcat_run(["-b", shared_broker.bootstrap, "-C", "-t", topic, "-p", "0", "-e", "-f", r"%o\n"]).stdout
    assert empty == ""


def test_consume_json(shared_broker, kcat, topic_name):
    kcat_run, _ = kcat
    topic = topic_name()
    create_topic(shared_broker, topic, 1)
    kcat_run(["-b", shared_broker.bootstrap, "-P", "-t", topic, "-K", "=", "-H", "h=v"], input="k1=v1\nk2=v2\n")
    out = kcat_run(["-b", shared_broker.bootstrap, "-C", "-t", topic, "-e", "-J"]).stdout
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [(r["partition"], r["offset"], r["key"], r["payload"], r["headers"]) for r in records] == [
        (0, 0, "k1", "v1", ["h", "v"]),
        (0, 1, "k2", "v2", ["h", "v"]),
    ]
    assert all(r["tstype"] == "create" and r["ts"] > 0 and r["broker"] == 1 for r in records)


def test_consume_from_offset_and_count(shared_broker, kcat, topic_name):
    kcat_run, _ = kcat
    topic = topic_name()
    create_topic(shared_broker, topic, 1)
    kcat_run(["-b", shared_broker.bootstrap, "-P", "-t", topic], input="".join(f"m{i}\n" for i in range(20)))
    out = kcat_run(["-b", shared_broker.bootstrap, "-C", "-t", topic, "-o", "15", "-c", "3", "-f", r"%o=%s\n"]).stdout
    assert out.splitlines() == ["15=m15", "16=m16", "17=m17"]
    tail = kcat_run(["-b", shared_broker.bootstrap, "-C", "-t", topic, "-o", "-2", "-e", "-f", r"%o=%s\n"]).stdout
    assert tail.splitlines() == ["18=m18", "19=m19"]
