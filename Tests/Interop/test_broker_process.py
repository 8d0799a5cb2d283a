"""The `gregor broker` process itself: SIGTERM stops it cleanly (exit 0, clean-shutdown marker, no
recovery on the next start), metadata survives restarts, --exit-with-parent, a locked data dir, bad
arguments, and the GREGOR_BIN contract of this suite."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from kafka.admin import ConfigResource, ConfigResourceType

import ck
import kafka_wire as wire
import kp
from gregor_process import free_port

HERE = os.path.dirname(os.path.abspath(__file__))


def test_sigterm_exits_zero_and_says_so(broker):
    ck.create_topic(broker, "before-stop", 1)
    assert broker.stop() == 0, broker.run_log()[-2000:]
    log = broker.run_log()
    assert "broker stopped cleanly" in log, log[-2000:]
    assert " error " not in log, log[-2000:]


def test_sigterm_while_clients_connect_exits_zero(broker):
    """Connections that arrive while the listener shuts down are closed, not dropped half-made: NIO traps
    on an accepted async channel that nobody served (apple/swift-nio#2637), so the listener hands out plain
    channels and wraps each only when a task serves it."""
    for attempt in range(4):
        sockets, stop = [], threading.Event()

        def connect_burst():
            deadline = time.monotonic() + 3.0
            while not stop.is_set() and time.monotonic() < deadline and len(sockets) < 2000:
                try:
                    sockets.append(socket.create_connection((broker.host, broker.port), timeout=1.0))
                except OSError:
                    return  # the listener is gone

        bursts = [threading.Thread(target=connect_burst) for _ in range(4)]
        for b in bursts:
            b.start()
        time.sleep(0.05 + 0.03 * attempt)
        rc = broker.stop()
        stop.set()
        for b in bursts:
            b.join()
        for s in sockets:
            s.close()
        assert rc == 0, f"attempt {attempt}, {len(sockets)} connections: exit {rc}\n{broker.run_log()[-3000:]}"
        assert "broker stopped cleanly" in broker.run_log()
        broker.start()


def test_restart_after_sigterm_recovers_nothing(broker):
    topic = ck.create_topic(broker, "clean", 2)
    ck.produce_all(ck.producer(broker), topic, [(b"k", b"v%d" % i) for i in range(100)])
    broker.stop()
    broker.start()
    log = broker.run_log()
    assert "cleanShutdown=true" in log, log[-2000:]
    assert "recovered" not in log, f"a clean restart should not recover any log:\n{log[-2000:]}"


def test_metadata_survives_restarts(broker):
    """Topics, their ids, partition counts and configs come back from the metadata log, after a clean
    stop and after kill -9."""
    ck.create_topic(broker, "keep-a", 3, config={"retention.ms": "3600000"})
    ck.create_topic(broker, "keep-b", 1)
    admin = kp.admin(broker)
    before = {t["name"]: (t["topic_id"], len(t["partitions"])) for t in admin.describe_topics(["keep-a", "keep-b"])}
    admin.close()
    for clean in (True, False):
        broker.restart(clean=clean)
        admin = kp.admin(broker)
        after = {t["name"]: (t["topic_id"], len(t["partitions"])) for t in admin.describe_topics(["keep-a", "keep-b"])}
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "keep-a")])
        admin.close()
        assert after == before, f"after a {'clean' if clean else 'kill -9'} restart"
        assert configs["topic"]["keep-a"]["retention.ms"]["value"] == "3600000"


def test_data_dir_is_locked(broker, gregor_bin):
    other = subprocess.run(
        [gregor_bin, "broker", "--node-id", "1", "--listen", f"127.0.0.1:{free_port()}", "--data-dir", broker.data_dir],
        capture_output=True, text=True, timeout=30)
    assert other.returncode != 0
    assert "locked" in other.stderr and broker.data_dir in other.stderr, other.stderr
    assert broker.alive()
    wire.api_versions_roundtrip(broker.host, broker.port)


def test_port_in_use_is_one_clear_error(broker, gregor_bin, tmp_path):
    other = subprocess.run(
        [gregor_bin, "broker", "--node-id", "1", "--listen", broker.bootstrap, "--data-dir", str(tmp_path / "other")],
        capture_output=True, text=True, timeout=30)
    assert other.returncode != 0
    assert "Address already in use" in other.stderr, other.stderr


def test_unknown_config_is_refused(gregor_bin, tmp_path):
    result = subprocess.run(
        [gregor_bin, "broker", "--node-id", "1", "--listen", f"127.0.0.1:{free_port()}",
         "--data-dir", str(tmp_path / "d"), "--set", "no.such.config=1"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "unknown broker config 'no.such.config'" in result.stderr, result.stderr


def _gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_exit_with_parent(gregor_bin, tmp_path):
    """A broker started with --exit-with-parent exits when its parent is killed with SIGKILL."""
    port = free_port()
    script = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([{gregor_bin!r}, 'broker', '--node-id', '1', '--listen', '127.0.0.1:{port}',"
        f" '--data-dir', {str(tmp_path / 'data')!r}, '--exit-with-parent'],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    broker_pid = None
    try:
        broker_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 30
        while True:
            try:
                wire.api_versions_roundtrip("127.0.0.1", port, timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, "the broker never answered"
                time.sleep(0.1)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while not _gone(broker_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(broker_pid), "the broker outlived its parent"
    finally:
        if parent.poll() is None:
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait(10)
        if broker_pid is not None and not _gone(broker_pid):
            os.kill(broker_pid, signal.SIGKILL)


@pytest.mark.parametrize("value", [None, "/nonexistent/gregor"], ids=["unset", "missing-file"])
def test_suite_fails_clearly_without_gregor_bin(tmp_path, value):
    env = {k: v for k, v in os.environ.items() if k != "GREGOR_BIN"}
    if value:
        env["GREGOR_BIN"] = value
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--basetemp", str(tmp_path / "inner"),
         os.path.join(HERE, "test_broker_process.py") + "::test_sigterm_exits_zero_and_says_so"],
        capture_output=True, text=True, timeout=120, env=env, cwd=HERE)
    assert result.returncode != 0
    expected = "GREGOR_BIN is not set" if value is None else f"GREGOR_BIN={value} is not an executable file"
    assert expected in result.stdout, result.stdout[-3000:]
