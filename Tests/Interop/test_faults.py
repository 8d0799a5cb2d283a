"""Network and disk faults (`gregor fault isolate|heal|latency|drop|slow-disk|disk-full|corrupt-tail|list`) on
local clusters of real brokers (`gregor cluster up`), each effect seen through Kafka APIs: metadata as one
chosen broker answers it (leaders, ISRs, live brokers), produce error codes and offsets, ListOffsets and
records read back, with confluent-kafka and kcat.

Clusters that must fence a broker or shrink an ISR run with a 3 s session and a 3 s replica lag (Kafka:
9 s and 30 s), to keep the run short.
"""

import json
import os
import re
import time
import urllib.error
import urllib.request

import confluent_kafka as ck
import pytest
from confluent_kafka import ElectionType, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import kafka_wire as wire
from local_cluster import is_gone, up, wait_for
from support import run

FAST = {"broker.session.timeout.ms": 3000, "broker.heartbeat.interval.ms": 500, "replica.lag.time.max.ms": 3000}
SESSION_S = 3.0
NODES = (1, 2, 3)


def address(port, node):
    return f"127.0.0.1:{port + node - 1}"


def bootstrap(port, *nodes):
    return ",".join(address(port, n) for n in nodes)


class NoAnswer(Exception):
    """The broker asked did not answer a metadata request itself in time."""


def metadata_from(port, node, topic=None, timeout=10):
    """Metadata as broker `node` answers it. A client given one bootstrap server still asks whichever broker
    it likes once it has learned them all, so this asks with fresh clients until that broker answers
    (the answer names its origin)."""
    wanted = address(port, node)
    deadline = time.monotonic() + timeout
    origins = []
    while time.monotonic() < deadline:
        client = AdminClient({"bootstrap.servers": wanted})
        try:
            md = client.list_topics(topic, timeout=max(0.5, min(3.0, deadline - time.monotonic())))
        except ck.KafkaException as error:
            origins.append(error.args[0].name())
            continue
        if md.orig_broker_name.split("/")[0] == wanted:
            return md
        origins.append(md.orig_broker_name)
    raise NoAnswer(f"broker {node} ({wanted}) did not answer metadata itself within {timeout}s; answers: {origins[-5:]}")


def partition_from(port, node, topic, index=0, timeout=10):
    """(leader, sorted ISR, sorted live brokers) of a partition, as broker `node` sees them."""
    md = metadata_from(port, node, topic, timeout)
    p = md.topics[topic].partitions[index]
    return p.leader, sorted(p.isrs), sorted(md.brokers)


def wait_partition(port, node, topic, want, timeout, what, index=0):
    """Polls broker `node` until `want(leader, isr, brokers)`; returns that state."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = partition_from(port, node, topic, index, timeout=max(0.5, min(5.0, deadline - time.monotonic())))
            if want(*last):
                return last
        except (NoAnswer, KeyError) as error:
            last = error
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting until {what}; broker {node} last said {last}")


def controller_of(port, node=1):
    """The metadata quorum's leader (the active controller), as DescribeQuorum to broker `node` says."""
    return wire.describe_quorum("127.0.0.1", port + node - 1)["leader"]


def create_topic(port, nodes, topic, partitions=1, replication_factor=None, assignment=None, config=None):
    """Creates a topic and waits until broker `nodes[0]` reports a leader and a full ISR for each partition;
    returns the leaders."""
    client = AdminClient({"bootstrap.servers": bootstrap(port, *nodes)})  # alive until the future resolves
    if assignment:
        new = NewTopic(topic, num_partitions=len(assignment), replica_assignment=assignment, config=config or {})
    else:
        new = NewTopic(topic, partitions, replication_factor, config=config or {})
    client.create_topics([new])[topic].result(timeout=30)
    replicas = [len(r) for r in assignment] if assignment else [replication_factor] * partitions
    for index, count in enumerate(replicas):
        wait_partition(port, nodes[0], topic, lambda leader, isr, _: leader > 0 and len(isr) == count, 30,
                       f"{topic}-{index} has a leader and a full ISR", index)
    return [partition_from(port, nodes[0], topic, index)[0] for index in range(len(replicas))]


def produce(servers, topic, values, partition=0, timeout=30, **conf):
    """Produces `values` to one partition and flushes; returns [(error or None, offset)] in delivery order."""
    producer = ck.Producer({"bootstrap.servers": servers, **conf})
    reports = []
    for value in values:
        producer.produce(topic, value=value.encode(), partition=partition,
                         on_delivery=lambda error, msg: reports.append((error, msg.offset())))
    assert producer.flush(timeout) == 0, f"records still undelivered after {timeout}s"
    return reports


def watermarks(servers, topic, partition=0, timeout=15):
    """(low, high) by ListOffsets, asked of the partition's leader now (not cached). Asked again on an error
    for a while: a fresh client may still be sorting out its brokers (librdkafka drops its bootstrap
    connections once it knows the cluster: _DESTROY_BROKER), and a broker just restarted may say it leads a
    partition a moment before it has opened it (UNKNOWN_TOPIC_OR_PART meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        consumer = ck.Consumer({"bootstrap.servers": servers, "group.id": "faults-watermarks"})
        try:
            return consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=5, cached=False)
        except ck.KafkaException as error:
            if time.monotonic() > deadline:
                raise AssertionError(f"no ListOffsets answer for {topic}-{partition} within {timeout}s") from error
            time.sleep(0.1)
        finally:
            consumer.close()


def read_back(servers, topic, partition=0, timeout=20):
    """(offset, value) of every record of a partition below its high watermark (ListOffsets first)."""
    low, high = watermarks(servers, topic, partition)
    consumer = ck.Consumer({"bootstrap.servers": servers, "group.id": "faults-read-back", "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, partition, low)])
    records = []
    deadline = time.monotonic() + timeout
    while (not records or records[-1][0] < high - 1) and high > low and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is not None and message.error() is None:
            records.append((message.offset(), message.value().decode()))
    consumer.close()
    return records


def fault_list(cluster):
    """`gregor fault list` as {node id: what it says}."""
    lines = cluster.gregor("fault", "list").stdout.splitlines()
    listed = {}
    for line in lines:
        match = re.fullmatch(r"broker (\d+): (.*)", line)
        assert match, f"unexpected line in `fault list`: {line!r}"
        listed[int(match.group(1))] = match.group(2)
    return listed


def faults_endpoint(cluster, node):
    return f"http://127.0.0.1:{cluster.broker(node)['adminPort']}/faults"


def faults_of(cluster, node):
    with urllib.request.urlopen(faults_endpoint(cluster, node), timeout=10) as answer:
        return json.load(answer)


def put_faults(cluster, node, settings):
    request = urllib.request.Request(faults_endpoint(cluster, node), data=json.dumps(settings).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def zombie_exit_status(pid):
    """The exit status of an ended process nobody has reaped yet (its zombie's /proc stat), else None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    if fields[0] != "Z" or len(fields) < 50:
        return None
    return (int(fields[49]) >> 8) & 0xFF  # field 52, exit_code, as waitpid reports it


def broker_log(cluster, node):
    with open(cluster.broker(node)["logFile"], errors="replace") as f:
        return f.read()


def fault_log_lines(cluster):
    """The lines of DIR/faults.log, each checked to start with an ISO 8601 UTC time; without the time."""
    with open(os.path.join(cluster.dir, "faults.log")) as f:
        lines = f.read().splitlines()
    stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ")
    for line in lines:
        assert stamp.match(line), f"faults.log line without a time: {line!r}"
    return [stamp.sub("", line, count=1) for line in lines]


def metadata_round_trips(client, count=3):
    """Seconds each of `count` metadata requests takes on an already connected client."""
    times = []
    for _ in range(count):
        started = time.monotonic()
        client.list_topics(timeout=10)
        times.append(time.monotonic() - started)
    return times


def test_an_isolated_leader_is_fenced_its_partition_moves_and_it_catches_up_after_heal(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    controller = controller_of(port)
    # The partition's leader is not the controller here (isolating the controller is the next test).
    leader, observer = [n for n in NODES if n != controller][0], controller
    follower = next(n for n in NODES if n not in (leader, controller))
    assert create_topic(port, NODES, "cut", assignment=[[leader, controller, follower]],
                        config={"min.insync.replicas": "2"}) == [leader]
    before = [f"before-{i}" for i in range(5)]
    assert produce(bootstrap(port, *NODES), "cut", before, acks="all") == [(None, i) for i in range(5)]

    isolated = cluster.gregor("fault", "isolate", str(leader)).stdout
    assert f"broker {leader}: isolated from every other broker" in isolated
    assert fault_list(cluster)[leader] == "isolated from every other broker"
    assert faults_of(cluster, leader)["isolation"] == {"allPeers": True, "peers": [], "clients": False}

    # A client that still reaches the cut-off leader: no follower can copy its acks=all write, so it is
    # never acknowledged (the leader waits, then answers REQUEST_TIMED_OUT: no split brain). Sent at once:
    # the followers' fetches parked on the leader before the cut are not answered across it either.
    stranded = ck.Producer({"bootstrap.servers": address(port, leader), "acks": "all", "retries": 0,
                            "enable.idempotence": False, "request.timeout.ms": 2000, "message.timeout.ms": 2500})
    stranded_reports = []
    stranded.produce("cut", value=b"stranded", partition=0, on_delivery=lambda error, msg: stranded_reports.append(error))
    stranded.poll(0)

    # The controller stops hearing the leader, fences it and elects another replica from the ISR.
    successor, isr, brokers = wait_partition(
        port, observer, "cut", lambda new, isr, _: new not in (-1, leader) and leader not in isr, 20,
        f"broker {observer} reports cut-0 led by another broker than isolated {leader}, without it in the ISR")
    assert isr == sorted([controller, follower]) and brokers == isr, (successor, isr, brokers)

    assert stranded.flush(10) == 0
    assert len(stranded_reports) == 1 and stranded_reports[0] is not None, \
        f"the isolated leader acknowledged an acks=all write no follower could copy: {stranded_reports}"

    # acks=all (min.insync.replicas=2) still works on the new leader, with the two brokers left.
    after = produce(address(port, observer), "cut", ["after the cut"], acks="all", **{"enable.idempotence": True})
    assert after == [(None, 5)], f"{after}; the new leader's log: {read_back(address(port, observer), 'cut')}"
    expected = list(enumerate(before + ["after the cut"]))
    assert read_back(address(port, observer), "cut") == expected

    healed = cluster.gregor("fault", "heal", str(leader)).stdout
    assert f"broker {leader}: no network or disk fault" in healed
    assert fault_list(cluster)[leader] == "no fault"
    wait_partition(port, observer, "cut", lambda new, isr, brokers: isr == [1, 2, 3] and brokers == [1, 2, 3], 30,
                   f"broker {leader} rejoined the ISR of cut-0 after heal")
    wait_partition(port, leader, "cut", lambda new, isr, _: new == successor and isr == [1, 2, 3], 15,
                   f"healed broker {leader} learned that {successor} leads cut-0")

    # Give leadership back to the healed broker (its preferred replica): it must have dropped its
    # unacknowledged write and copied the new leader's (KIP-101), so it serves exactly the acknowledged log.
    client = AdminClient({"bootstrap.servers": bootstrap(port, *NODES)})
    result = client.elect_leaders(ElectionType.PREFERRED, [TopicPartition("cut", 0)]).result(timeout=30)
    assert all(error is None for error in result.values()), result
    wait_partition(port, observer, "cut", lambda new, *_: new == leader, 15, f"broker {leader} leads cut-0 again")
    assert read_back(bootstrap(port, *NODES), "cut") == expected

    logged = fault_log_lines(cluster)
    assert logged[0].startswith(f"gregor fault isolate {leader}: broker {leader}: isolated from every other broker")
    assert logged[1] == f"gregor fault heal {leader}: broker {leader}: no network or disk fault"


def test_an_isolated_controller_is_replaced_without_fencing_the_brokers_that_are_alive(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    controller = controller_of(port)
    others = [n for n in NODES if n != controller]
    assert create_topic(port, NODES, "ctl", assignment=[[controller, *others]],
                        config={"min.insync.replicas": "2"}) == [controller]

    cluster.gregor("fault", "isolate", str(controller))
    # The other two voters elect a controller among themselves; it fences the cut-off broker only: the
    # brokers that still heartbeat (to it now, itself included) stay live, and one of them leads ctl-0.
    successor, isr, brokers = wait_partition(
        port, others[0], "ctl", lambda new, isr, _: new in others and isr == others, 20,
        f"ctl-0 moved from isolated controller {controller} to {others}")
    assert brokers == others, f"live brokers after the controller was cut off: {brokers}"
    new_controller = controller_of(port, others[1])
    assert new_controller in others, new_controller
    time.sleep(SESSION_S / 2)  # still so half a session later: the survivors are not fenced in turn
    assert partition_from(port, others[1], "ctl") == (successor, others, others)
    assert produce(bootstrap(port, *others), "ctl", ["without the old controller"], acks="all",
                   **{"enable.idempotence": True}) == [(None, 0)]

    cluster.gregor("fault", "heal", str(controller))
    wait_partition(port, others[0], "ctl", lambda _, isr, brokers: isr == [1, 2, 3] and brokers == [1, 2, 3], 30,
                   f"broker {controller} rejoined after heal")
    assert controller_of(port, controller) == new_controller, "the healed broker follows the new controller"


def test_a_broker_cut_off_from_clients_stays_in_the_cluster(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    # served-0 is led by broker 2; served-1 is led by broker 1 and needs broker 2's copy for acks=all.
    assert create_topic(port, NODES, "served", assignment=[[2, 1, 3], [1, 2, 3]],
                        config={"min.insync.replicas": "3"}) == [2, 1]

    started = time.monotonic()
    assert "broker 2: isolated from clients" in cluster.gregor("fault", "isolate", "2", "--clients").stdout
    assert fault_list(cluster) == {1: "no fault", 2: "isolated from clients", 3: "no fault"}
    with pytest.raises(ck.KafkaException) as unanswered:
        AdminClient({"bootstrap.servers": address(port, 2)}).list_topics(timeout=2)
    assert unanswered.value.args[0].code() in (ck.KafkaError._TRANSPORT, ck.KafkaError._TIMED_OUT), unanswered.value
    with pytest.raises(TimeoutError):  # connected, but nothing comes back: not refused, not reset
        wire.api_versions_roundtrip("127.0.0.1", port + 1, timeout=1.0)
    assert sorted(metadata_from(port, 3).brokers) == [1, 2, 3], "the other brokers still answer clients"

    # The controller still hears broker 2 (heartbeats) and its leader still sees it fetch: past the session
    # timeout and the replica lag time it is still live, still leads served-0 and is in both ISRs.
    time.sleep(max(0.0, started + SESSION_S + 1.5 - time.monotonic()))
    assert partition_from(port, 1, "served", 0) == (2, [1, 2, 3], [1, 2, 3])
    assert partition_from(port, 3, "served", 1) == (1, [1, 2, 3], [1, 2, 3])
    assert produce(address(port, 1), "served", ["replicated"], partition=1, acks="all") == [(None, 0)], \
        "with min.insync.replicas=3 this write needs broker 2's copy"

    cluster.gregor("fault", "heal", "2")
    assert fault_list(cluster)[2] == "no fault"
    assert partition_from(port, 2, "served", 0) == (2, [1, 2, 3], [1, 2, 3])
    assert produce(address(port, 2), "served", ["led by 2"], partition=0, acks="all") == [(None, 0)]


def test_a_full_disk_answers_kafka_storage_error_stops_the_broker_and_moves_leadership(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    observer = controller_of(port)
    leader = next(n for n in NODES if n != observer)
    assert create_topic(port, NODES, "full", assignment=[[leader, *(n for n in NODES if n != leader)]],
                        config={"min.insync.replicas": "2"}) == [leader]
    kept = [f"kept-{i}" for i in range(5)]
    assert produce(bootstrap(port, *NODES), "full", kept, acks="all") == [(None, i) for i in range(5)]
    broker = cluster.broker(leader)
    pid = broker["pid"]

    assert "disk full" in cluster.gregor("fault", "disk-full", str(leader)).stdout
    assert faults_of(cluster, leader)["diskFull"] is True

    reports = produce(address(port, leader), "full", ["no room"], acks="all", retries=0, **{
        "enable.idempotence": False, "message.timeout.ms": 15000})
    assert len(reports) == 1 and reports[0][0] is not None, reports
    assert reports[0][0].code() == ck.KafkaError.KAFKA_STORAGE_ERROR, reports[0][0]

    wait_for(lambda: is_gone(pid), 15, f"broker {leader} (pid {pid}) exits after its log directory failed")
    status = zombie_exit_status(pid)
    assert status in (None, 1), f"broker {leader} exited with status {status}"  # None: reaped already
    log = broker_log(cluster, leader)
    assert "Stopping serving logs in dir" in log and "Shutdown broker because all log dirs in" in log
    assert cluster.status_rows()[leader][3] == "stopped"
    assert fault_list(cluster)[leader] == "stopped; disk full: writes fail with ENOSPC"
    with open(os.path.join(broker["dataDir"], "faults.json")) as f:
        assert json.load(f)["diskFull"] is True, "the full disk is kept for a restart"

    successor, isr, brokers = wait_partition(
        port, observer, "full", lambda new, isr, _: new not in (-1, leader) and leader not in isr, 20,
        f"leadership of full-0 moved away from stopped broker {leader}")
    assert leader not in brokers
    assert read_back(address(port, observer), "full") == list(enumerate(kept)), "acks=all records survive"

    assert "no network or disk fault" in cluster.gregor("fault", "heal", str(leader), "--disk").stdout
    assert fault_list(cluster)[leader] == "stopped"
    assert not os.path.exists(os.path.join(broker["dataDir"], "faults.json")), "no fault left to keep"
    cluster.gregor("fault", "restart", str(leader))
    assert fault_list(cluster)[leader] == "no fault"
    wait_partition(port, observer, "full", lambda _, isr, brokers: isr == [1, 2, 3] and leader in brokers, 30,
                   f"restarted broker {leader} rejoined the ISR of full-0")
    assert produce(bootstrap(port, *NODES), "full", ["room again"], acks="all") == [(None, 5)]


def test_a_corrupt_tail_is_truncated_to_the_last_whole_batch_on_restart(cluster, kcat_path):
    port, _ = up(cluster, brokers=3)
    everyone = bootstrap(port, *NODES)
    assert create_topic(port, NODES, "torn", assignment=[[2]]) == [2]
    for batch in range(3):  # three kcat runs of five records: three batches
        run([kcat_path, "-b", everyone, "-P", "-t", "torn", "-p", "0", "-X", "linger.ms=100"],
            input="".join(f"{batch}-{i}\n" for i in range(5)))
    assert watermarks(everyone, "torn") == (0, 15)

    running = cluster.gregor("fault", "corrupt-tail", "2", "torn", "0", check=False)
    assert running.returncode != 0 and "broker 2 is running" in running.stderr, running.stderr
    assert "gregor fault kill 2" in running.stderr
    assert watermarks(everyone, "torn") == (0, 15)

    cluster.gregor("fault", "kill", "2")
    corrupted = cluster.gregor("fault", "corrupt-tail", "2", "torn", "0").stdout
    assert "corrupted the last 16 of" in corrupted and "torn-0" in corrupted and "broker 2" in corrupted
    assert fault_list(cluster) == {1: "no fault", 2: "stopped", 3: "no fault"}
    cluster.gregor("fault", "restart", "2")

    # Recovery cut the torn last batch: the log end is five records lower, the first two batches remain.
    assert watermarks(everyone, "torn") == (0, 10)
    read = run([kcat_path, "-b", everyone, "-C", "-t", "torn", "-p", "0", "-e", "-q", "-f", "%o %s\\n"]).stdout
    assert read.splitlines() == [f"{5 * batch + i} {batch}-{i}" for batch in range(2) for i in range(5)]
    assert produce(everyone, "torn", ["after recovery"], acks="all") == [(None, 10)]
    assert "recovered torn-0" in broker_log(cluster, 2)
    logged = [line.split(":")[0] for line in fault_log_lines(cluster)]
    assert logged == ["gregor fault kill 2", "gregor fault corrupt-tail 2", "gregor fault restart 2"], \
        "each fault once, the refused corrupt-tail not at all"


def test_latency_drops_and_a_slow_disk_reach_clients(cluster):
    port, _ = up(cluster, brokers=1)
    broker = address(port, 1)
    create_topic(port, (1,), "lossy", replication_factor=1)
    client = AdminClient({"bootstrap.servers": broker})
    client.list_topics(timeout=10)  # connected before timing

    cluster.gregor("fault", "latency", "1", "200")
    assert fault_list(cluster) == {1: "network latency 200 ms"}
    slow = metadata_round_trips(client)
    assert min(slow) >= 0.2, f"metadata round trips with 200 ms latency: {slow}"
    cluster.gregor("fault", "latency", "1", "0")
    fast = metadata_round_trips(client)
    assert min(fast) < 0.1, f"metadata round trips after latency 0: {fast}"
    assert fault_list(cluster) == {1: "no fault"}

    # Half of the requests are lost, each with its connection reset.
    cluster.gregor("fault", "drop", "1", "50")
    assert fault_list(cluster) == {1: "drops 50% of requests"}
    answered = 0
    for _ in range(20):
        try:
            wire.api_versions_roundtrip("127.0.0.1", port, timeout=2.0)
            answered += 1
        except OSError:
            pass
    assert 0 < answered < 20, f"{answered} of 20 ApiVersions requests answered with 50% dropped"

    # An idempotent producer retries the lost requests and still writes each record once, in order.
    producer = ck.Producer({
        "bootstrap.servers": broker, "enable.idempotence": True, "linger.ms": 0, "batch.num.messages": 5,
        "message.timeout.ms": 30000, "retry.backoff.ms": 10, "retry.backoff.max.ms": 50,
        "reconnect.backoff.ms": 10, "reconnect.backoff.max.ms": 50,
        # With its only broker's connection reset, librdkafka would otherwise start over from the
        # bootstrap list each time (re-bootstrap), forgetting the leader, and barely make progress.
        "metadata.recovery.strategy": "none"})
    failures = []
    values = [f"r{i}" for i in range(50)]
    for value in values:
        producer.produce("lossy", value=value.encode(), partition=0,
                         on_delivery=lambda error, msg: failures.append(error) if error else None)
        producer.poll(0)
    assert producer.flush(45) == 0 and failures == [], failures
    dropped = broker_log(cluster, 1).count("request dropped (fault injection)")
    assert dropped >= 10, f"only {dropped} requests dropped"
    cluster.gregor("fault", "drop", "1", "0")
    assert read_back(broker, "lossy") == list(enumerate(values)), "every record once, in order, nothing more"

    # Each write and fsync of the data directory waits: a produce cannot be answered sooner.
    cluster.gregor("fault", "slow-disk", "1", "300")
    assert fault_list(cluster) == {1: "slow disk: 300 ms per write and fsync"}
    producer = ck.Producer({"bootstrap.servers": broker, "acks": "1", "linger.ms": 0})
    producer.produce("lossy", value=b"warm-up", partition=0)
    assert producer.flush(30) == 0
    started = time.monotonic()
    producer.produce("lossy", value=b"slow", partition=0)
    assert producer.flush(30) == 0
    assert time.monotonic() - started >= 0.3
    cluster.gregor("fault", "heal")
    assert fault_list(cluster) == {1: "no fault"}
    started = time.monotonic()
    producer.produce("lossy", value=b"fast", partition=0)
    assert producer.flush(30) == 0
    assert time.monotonic() - started < 0.3
    assert watermarks(broker, "lossy") == (0, 53)

    assert [line.split(":")[0] for line in fault_log_lines(cluster)] == [
        "gregor fault latency 1", "gregor fault latency 1", "gregor fault drop 1", "gregor fault drop 1",
        "gregor fault slow-disk 1", "gregor fault heal 1"]


def test_the_admin_endpoint_sets_faults_and_refuses_nonsense(cluster):
    port, _ = up(cluster, brokers=1)
    assert faults_of(cluster, 1) == {"isolation": {"allPeers": False, "peers": [], "clients": False}, "latencyMs": 0,
                                     "jitterMs": 0, "dropPercent": 0, "slowDiskMs": 0, "diskFull": False}
    client = AdminClient({"bootstrap.servers": address(port, 1)})
    client.list_topics(timeout=10)

    assert put_faults(cluster, 1, {"latencyMs": 250, "jitterMs": 10}) in (200, 204)
    assert faults_of(cluster, 1)["latencyMs"] == 250
    assert fault_list(cluster) == {1: "network latency 250 ms + up to 10 ms jitter"}
    assert min(metadata_round_trips(client, 2)) >= 0.25

    # A refused PUT changes nothing: the latency stays, nothing is dropped.
    for nonsense in ({"dropPercent": 150}, {"latencyMs": -5}, {"slowDiskMs": 10_000_000}):
        with pytest.raises(urllib.error.HTTPError) as refused:
            put_faults(cluster, 1, nonsense)
        assert refused.value.code == 400, nonsense
    with pytest.raises(urllib.error.HTTPError) as refused:
        put_faults(cluster, 1, {"dropPercent": 150})
    assert b"0 to 100 percent" in refused.value.read()
    assert faults_of(cluster, 1)["latencyMs"] == 250 and faults_of(cluster, 1)["dropPercent"] == 0
    for _ in range(5):
        wire.api_versions_roundtrip("127.0.0.1", port, timeout=5.0)

    bad = cluster.gregor("fault", "drop", "1", "150", check=False)
    assert bad.returncode != 0 and "0 to 100 percent" in bad.stderr
    assert fault_list(cluster) == {1: "network latency 250 ms + up to 10 ms jitter"}
    cluster.gregor("fault", "heal", "1", "--network")
    assert fault_list(cluster) == {1: "no fault"}
    assert min(metadata_round_trips(client, 2)) < 0.1
