"""Fixtures for the interop tests: real `gregor broker` processes (GREGOR_BIN), tools and topic names.

Under CI=true a missing tool fails the test; elsewhere it skips with the reason.
"""

import gc
import glob
import itertools
import os
import re
import shutil

import pytest

from gregor_process import GregorBroker, free_port
from local_cluster import LocalCluster
from support import require


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def gregor_bin():
    path = os.environ.get("GREGOR_BIN")
    if not path:
        pytest.fail(
            "GREGOR_BIN is not set: point it at a built gregor binary, e.g. "
            "GREGOR_BIN=$(swift build --show-bin-path)/gregor (make interop does this)", pytrace=False)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"GREGOR_BIN={path} is not an executable file; build it with `swift build --product gregor`",
                    pytrace=False)
    return os.path.abspath(path)


@pytest.fixture
def broker_factory(gregor_bin, tmp_path, request):
    """make(settings={...}, fsync=None, name=...) starts a broker on a free port with a fresh data dir.
    Every broker started here is stopped (SIGTERM, then SIGKILL) at the end of the test."""
    brokers = []
    counter = itertools.count(1)

    def make(settings=None, fsync=None, name=None, start=True):
        name = name or f"broker{next(counter)}"
        b = GregorBroker(gregor_bin, tmp_path / f"{name}-data", tmp_path / f"{name}.log", settings=settings, fsync=fsync)
        brokers.append(b)
        return b.start() if start else b

    yield make
    gc.collect()  # clients caught in reference cycles go now, while their broker still answers
    failed = any(getattr(request.node, f"rep_{when}", None) is not None
                 and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
    unclean = []
    for b in brokers:
        was_running = b.alive()
        rc = b.stop()
        if failed:
            print(f"--- {b.log_path} (exit {rc}), last 6000 chars ---\n{b.log_text()[-6000:]}")
        elif was_running and rc != 0:
            unclean.append(f"{b.log_path}: exit {rc} on SIGTERM\n{b.run_log()[-4000:]}")
    assert not unclean, "a broker did not stop cleanly:\n" + "\n".join(unclean)


@pytest.fixture(scope="module")
def shared_broker(gregor_bin, tmp_path_factory):
    """One broker for a whole test module (client tests that use their own topics); saves start-up time."""
    root = tmp_path_factory.mktemp("shared-broker")
    b = GregorBroker(gregor_bin, root / "data", root / "broker.log").start()
    yield b
    gc.collect()
    b.stop_checked()


@pytest.fixture(scope="module")
def group_broker(gregor_bin, tmp_path_factory):
    """One broker for a module of group tests, with group.initial.rebalance.delay.ms=0 (the delay is tested
    on its own in test_group_join_time.py); each test uses its own groups and topics."""
    root = tmp_path_factory.mktemp("group-broker")
    b = GregorBroker(gregor_bin, root / "data", root / "broker.log",
                     settings={"group.initial.rebalance.delay.ms": 0}).start()
    yield b
    gc.collect()
    b.stop_checked()


@pytest.fixture
def child_members():
    """make(broker, group, topics, **conf) → a groups.ChildMember (a consumer in its own process); every
    child started here is killed by its pid at the end of the test."""
    from groups import ChildMember
    children = []

    def make(broker, group, topics, **conf):
        child = ChildMember(broker, group, topics, **conf)
        children.append(child)
        return child

    yield make
    for child in children:
        child.stop()


@pytest.fixture(autouse=True)
def _shared_broker_log_on_failure(request):
    """Shows the recent log of the module's broker (shared_broker, group_broker) under a failed test that used it."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    for name in ("shared_broker", "group_broker"):
        if name in request.fixturenames:
            b = request.getfixturevalue(name)
            print(f"--- {name} log (alive: {b.alive()}), last 4000 chars ---\n{b.log_text()[-4000:]}")


@pytest.fixture
def broker(broker_factory):
    """A started single-node broker with default settings."""
    return broker_factory()


_topic_counter = itertools.count(1)


@pytest.fixture
def topic_name(request):
    """make(suffix='') → a topic name unique within the session, derived from the test's name."""
    base = re.sub(r"[^a-zA-Z0-9._-]", "-", request.node.name)[:120]

    def make(suffix=""):
        return f"{base}{suffix}-{next(_topic_counter)}"
    return make


@pytest.fixture(scope="session")
def kcat_path():
    path = shutil.which("kcat")
    require(path is not None, "kcat is not installed (Debian: apt-get install kcat; `make deps` does it)")
    return path


@pytest.fixture(scope="session")
def wheel_librdkafka_dir(tmp_path_factory):
    """A directory with the confluent-kafka wheel's librdkafka linked as librdkafka.so.1, for LD_LIBRARY_PATH."""
    try:
        import confluent_kafka
    except ImportError:
        confluent_kafka = None
    require(confluent_kafka is not None, "confluent-kafka is not installed (make deps)")
    site = os.path.dirname(os.path.dirname(confluent_kafka.__file__))
    libs = sorted(glob.glob(os.path.join(site, "confluent_kafka.libs", "librdkafka-*.so.1")))
    require(bool(libs), f"no confluent_kafka.libs/librdkafka-*.so.1 under {site}")
    directory = tmp_path_factory.mktemp("wheel-librdkafka")
    os.symlink(libs[0], directory / "librdkafka.so.1")
    return str(directory)


@pytest.fixture
def quorum(gregor_bin, tmp_path, request):
    """Three brokers, each a voter, started together; stopped (checked to exit 0) at the end. A test may
    set broker configs first with `@pytest.mark.broker_settings({...})`, and give each broker an admin
    endpoint (`b.admin_port`) with `@pytest.mark.admin_endpoints`."""
    marker = request.node.get_closest_marker("broker_settings")
    extra = marker.args[0] if marker else {}
    brokers = [GregorBroker(gregor_bin, tmp_path / f"broker{i}-data", tmp_path / f"broker{i}.log", settings=extra, node_id=i) for i in (1, 2, 3)]
    if request.node.get_closest_marker("admin_endpoints"):
        for b in brokers:
            b.admin_port = free_port()
    voters = ",".join(f"{b.node_id}@{b.bootstrap}" for b in brokers)
    for b in brokers:
        b.settings["controller.quorum.voters"] = voters
        b.launch()
    try:
        for b in brokers:
            b.wait_ready(60)
        yield brokers
    finally:
        failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
        unclean = []
        for b in brokers:
            was_running = b.alive()
            rc = b.stop()
            if failed:
                print(f"--- {b.log_path} (exit {rc}) ---\n{b.log_text()[-5000:]}")
            elif was_running and rc != 0:
                unclean.append(f"node {b.node_id} exited {rc}:\n{b.run_log()[-3000:]}")
        assert not unclean, "\n".join(unclean)


@pytest.fixture
def cluster(gregor_bin, tmp_path, request):
    """A `LocalCluster` in this test's temp dir; its brokers are killed at the end, their logs printed on failure."""
    c = LocalCluster(gregor_bin, tmp_path / "cluster")
    try:
        yield c
    finally:
        failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
        if failed:
            print(c.logs())
        c.cleanup()
