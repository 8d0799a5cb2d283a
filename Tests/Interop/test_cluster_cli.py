"""`gregor cluster up|status|down` and `gregor fault kill|restart|pause|resume` with real broker processes,
each test in its own temp dir on free loopback ports (the `cluster` fixture, local_cluster.py)."""

import json
import os
import signal
import socket
import subprocess
import time

import confluent_kafka as ck
import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_wire import api_versions_roundtrip
from local_cluster import COMMAND_TIMEOUT_S, free_ports, is_broker, is_gone, process_state, up, wait_for
from support import run

def produce(bootstrap, topic, values):
    producer = ck.Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for value in values:
        producer.produce(topic, value=value.encode())
    assert producer.flush(30) == 0


def consume_all(bootstrap, topic, count):
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": f"check-{topic}", "enable.auto.commit": False})
    consumer.assign([ck.TopicPartition(topic, 0, ck.OFFSET_BEGINNING)])
    seen = []
    deadline = time.monotonic() + 30
    while len(seen) < count and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            seen.append(message.value().decode())
    consumer.close()
    return seen


def create_topic(bootstrap, topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})  # kept alive until the future resolves
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(timeout=30)


def test_up_writes_the_cluster_file_and_the_broker_answers(cluster, gregor_bin, kcat_path):
    port, result = up(cluster)
    bootstrap = f"127.0.0.1:{port}"
    assert result.stdout.strip() == bootstrap
    assert "cluster ready" in result.stderr

    data = cluster.read_file()
    assert data["state"] == "running" and data["bootstrap"] == bootstrap
    assert data["controllerVoters"] == f"1@{bootstrap}"
    [broker] = data["brokers"]
    data_dir = os.path.join(cluster.dir, "broker-1")
    assert broker["nodeId"] == 1 and broker["port"] == port and broker["host"] == "127.0.0.1"
    assert broker["dataDir"] == data_dir and broker["logFile"] == os.path.join(cluster.dir, "broker-1.log")
    assert broker["command"] == [
        os.path.realpath(gregor_bin), "broker", "--node-id", "1", "--listen", bootstrap, "--data-dir", data_dir,
        "--controller-voters", f"1@{bootstrap}", "--cluster-file", cluster.file_path,
        "--admin", f"127.0.0.1:{broker['adminPort']}", "--faults"]
    pid = broker["pid"]
    assert is_broker(pid, data_dir) and not is_gone(pid)
    assert os.getsid(pid) == pid, "the broker leads a session of its own"
    assert "ready on" in open(broker["logFile"]).read()

    metadata = run([kcat_path, "-q", "-b", bootstrap, "-L"], timeout=30).stdout
    assert f"broker 1 at {bootstrap}" in metadata, metadata
    create_topic(bootstrap, "up-check")
    produce(bootstrap, "up-check", ["a", "b"])
    assert consume_all(bootstrap, "up-check", 2) == ["a", "b"]

    again = cluster.gregor("cluster", "up", "--brokers", "1", "--port", str(port), check=False)
    assert again.returncode != 0
    assert "a cluster is already running" in again.stderr and f"pid {pid}" in again.stderr
    assert again.stderr.count("\n") == 1, again.stderr
    assert cluster.broker()["pid"] == pid, "a refused up leaves the cluster file alone"


def test_status_shows_the_running_broker(cluster):
    port, _ = up(cluster)
    pid = cluster.broker()["pid"]
    lines = cluster.gregor("cluster", "status").stdout.splitlines()
    assert lines[0] == f"cluster in {cluster.dir}: running, bootstrap 127.0.0.1:{port}"
    assert lines[1].split() == ["NODE", "PORT", "PID", "STATE", "CONTROLLER", "BROKERS", "LOG"]
    assert cluster.status_rows()[1] == ["1", str(port), str(pid), "running", "1", "1",
                                        os.path.join(cluster.dir, "broker-1.log")]
    quorum = next(line for line in lines if line.startswith("quorum:"))
    assert quorum.startswith("quorum: leader 1,") or quorum.startswith("quorum: not reported"), quorum


def test_pause_makes_clients_time_out_and_resume_brings_it_back(cluster):
    port, _ = up(cluster)
    pid = cluster.broker()["pid"]
    paused = cluster.gregor("fault", "pause", "1")
    assert f"paused broker 1 (pid {pid})" in paused.stdout
    assert process_state(pid) == "T"
    assert cluster.status_rows()[1][3] == "paused"
    with pytest.raises(OSError):
        api_versions_roundtrip("127.0.0.1", port, timeout=2.0)
    with pytest.raises(ck.KafkaException):
        AdminClient({"bootstrap.servers": f"127.0.0.1:{port}"}).list_topics(timeout=3)

    again = cluster.gregor("fault", "pause", "1", check=False)
    assert again.returncode != 0 and "already paused" in again.stderr

    resumed = cluster.gregor("fault", "resume", "1")
    assert f"resumed broker 1 (pid {pid})" in resumed.stdout
    assert cluster.status_rows()[1][3] == "running"
    api_versions_roundtrip("127.0.0.1", port, timeout=5.0)
    assert AdminClient({"bootstrap.servers": f"127.0.0.1:{port}"}).list_topics(timeout=10).brokers
    not_paused = cluster.gregor("fault", "resume", "1", check=False)
    assert not_paused.returncode != 0 and "is not paused" in not_paused.stderr


def test_kill_and_restart_keep_the_data(cluster):
    port, _ = up(cluster)
    bootstrap = f"127.0.0.1:{port}"
    create_topic(bootstrap, "survivor")
    values = [f"record-{i}" for i in range(20)]
    produce(bootstrap, "survivor", values)
    old_pid = cluster.broker()["pid"]

    killed = cluster.gregor("fault", "kill", "1")
    assert f"killed broker 1 (pid {old_pid}) with SIGKILL" in killed.stdout
    assert is_gone(old_pid), "kill returns once the process is gone"
    assert cluster.broker().get("pid") is None
    assert cluster.status_rows()[1][2:4] == ["-", "stopped"]
    with pytest.raises(OSError):
        api_versions_roundtrip("127.0.0.1", port, timeout=2.0)
    again = cluster.gregor("fault", "kill", "1", check=False)
    assert again.returncode != 0 and "not running" in again.stderr

    restarted = cluster.gregor("fault", "restart", "1")
    new_pid = cluster.broker()["pid"]
    assert new_pid != old_pid and is_broker(new_pid, cluster.broker()["dataDir"])
    assert f"restarted broker 1 (pid {new_pid}), answering on {bootstrap}" in restarted.stdout
    api_versions_roundtrip("127.0.0.1", port, timeout=5.0)
    assert consume_all(bootstrap, "survivor", len(values)) == values
    assert cluster.status_rows()[1][2:4] == [str(new_pid), "running"]


def test_restart_of_a_running_broker_stops_it_cleanly_first(cluster):
    port, _ = up(cluster)
    old_pid = cluster.broker()["pid"]
    result = cluster.gregor("fault", "restart", "1")
    assert "stopping it first" in result.stderr
    assert is_gone(old_pid)
    new_pid = cluster.broker()["pid"]
    assert new_pid != old_pid and not is_gone(new_pid)
    log = open(cluster.broker()["logFile"]).read()
    assert "broker stopped cleanly" in log and log.count("=== gregor") == 2
    api_versions_roundtrip("127.0.0.1", port, timeout=5.0)


def test_down_leaves_no_process_and_up_reuses_the_data(cluster):
    port, _ = up(cluster)
    bootstrap = f"127.0.0.1:{port}"
    create_topic(bootstrap, "kept")
    produce(bootstrap, "kept", ["x", "y", "z"])
    cluster.gregor("fault", "restart", "1")  # a second pid on record
    cluster.gregor("fault", "pause", "1")  # down must stop a paused broker too
    recorded = dict(cluster.pids)
    assert len(recorded) == 2

    down = cluster.gregor("cluster", "down")
    assert "broker 1 (pid " in down.stdout and "stopped cleanly" in down.stdout
    for pid in recorded:
        assert is_gone(pid), f"pid {pid} survived down"
    data = cluster.read_file()
    assert data["state"] == "stopped" and data["brokers"][0].get("pid") is None
    assert cluster.status_rows()[1][2:4] == ["-", "stopped"]
    assert "already stopped" in cluster.gregor("cluster", "down").stdout
    stopped = cluster.gregor("fault", "kill", "1", check=False)
    assert stopped.returncode != 0 and "is stopped" in stopped.stderr

    again = cluster.gregor("cluster", "up", "--brokers", "1", "--port", str(port))
    assert "reusing the data" in again.stderr
    assert consume_all(bootstrap, "kept", 3) == ["x", "y", "z"]
    cluster.gregor("cluster", "down")
    for pid in cluster.pids:
        assert is_gone(pid)


def test_removing_the_cluster_file_stops_the_broker(cluster):
    up(cluster)
    broker = cluster.broker()
    os.remove(cluster.file_path)
    wait_for(lambda: is_gone(broker["pid"]), 15, "the orphaned broker exits")
    log = open(broker["logFile"]).read()
    assert "orphan guard: the cluster file" in log and "is gone" in log
    assert "broker stopped cleanly" in log


def test_clear_errors(cluster):
    missing = cluster.gregor("cluster", "status", check=False)
    assert missing.returncode != 0 and "no cluster in" in missing.stderr and "gregor cluster up" in missing.stderr
    assert cluster.gregor("fault", "kill", "1", check=False).returncode != 0

    port = free_ports(1)
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", port))
        busy.listen()
        refused = cluster.gregor("cluster", "up", "--brokers", "1", "--port", str(port), check=False)
    assert refused.returncode != 0 and f"port {port} (broker 1) is in use" in refused.stderr
    assert not os.path.exists(os.path.join(cluster.dir, "broker-1")), "nothing starts when a port is taken"

    bad = cluster.gregor("cluster", "up", "--brokers", "0", check=False)
    assert bad.returncode != 0 and "--brokers must be between 1 and 32" in bad.stderr

    up(cluster)
    unknown = cluster.gregor("fault", "kill", "9", check=False)
    assert unknown.returncode != 0 and "no broker 9" in unknown.stderr and "its brokers are 1" in unknown.stderr


def test_three_brokers_become_ready(cluster, kcat_path):
    port, result = up(cluster, brokers=3, timeout=30)
    bootstrap = ",".join(f"127.0.0.1:{port + i}" for i in range(3))
    assert result.stdout.strip() == bootstrap
    rows = cluster.status_rows()
    assert sorted(rows) == [1, 2, 3]
    controller = rows[1][4]
    for node, row in rows.items():
        assert row[3] == "running" and row[4] == controller and row[5] == "1,2,3", row
    metadata = run([kcat_path, "-q", "-b", bootstrap, "-L"], timeout=30).stdout
    assert " 3 brokers:" in metadata, metadata
    cluster.gregor("cluster", "down")
    for pid in cluster.pids:
        assert is_gone(pid)
