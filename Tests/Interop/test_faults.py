"""Network and disk faults (`gregor fault isolate|heal|latency|drop|slow-disk|disk-full|corrupt-tail|list`) on
local clusters of real brokers, each effect seen through Kafka APIs with confluent-kafka and kcat."""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import confluent_kafka as ck
import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from local_cluster import is_gone, up, wait_for
from support import run

# Short enough that fencing and ISR shrinks happen within a test, as docs/faults.md describes them.
FAST = {"broker.session.timeout.ms": 3000, "replica.lag.time.max.ms": 3000}


def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap})


def partition_state(bootstrap, topic, partition=0):
    """(leader, ISR) of a partition as the broker(s) in `bootstrap` describe it."""
    meta = admin(bootstrap).list_topics(topic, timeout=10).topics[topic].partitions[partition]
    return meta.leader, sorted(meta.isrs)


def create_topic(bootstrap, topic, replication_factor, partitions=1, config=None):
    client = admin(bootstrap)  # kept alive until the future resolves
    client.create_topics([NewTopic(topic, partitions, replication_factor, config=config or {})])[topic].result(30)
    wait_for(lambda: partition_state(bootstrap, topic)[0] > 0 and len(partition_state(bootstrap, topic)[1]) == replication_factor,
             30, f"{topic} has a leader and a full ISR")
    return partition_state(bootstrap, topic)[0]


def fault_list(cluster):
    return cluster.gregor("fault", "list").stdout.splitlines()


def test_an_isolated_leader_loses_its_isr_and_leadership_moves_until_healed(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    everyone = ",".join(f"127.0.0.1:{port + i}" for i in range(3))
    leader = create_topic(everyone, "cut", 3, config={"min.insync.replicas": "2"})
    others = ",".join(f"127.0.0.1:{port + n - 1}" for n in (1, 2, 3) if n != leader)

    isolated = cluster.gregor("fault", "isolate", str(leader)).stdout
    assert f"broker {leader}: isolated from every other broker" in isolated
    assert f"broker {leader}: isolated from every other broker" in fault_list(cluster)
    # The controller stops hearing the leader, fences it and elects another replica from the ISR.
    wait_for(lambda: partition_state(others, "cut")[0] not in (-1, leader) and leader not in partition_state(others, "cut")[1],
             30, f"leadership of cut-0 moved away from isolated broker {leader}")
    producer = ck.Producer({"bootstrap.servers": others, "acks": "all", "message.timeout.ms": 20000})
    delivered = []
    producer.produce("cut", value=b"after the cut", on_delivery=lambda err, msg: delivered.append(err))
    producer.flush(30)
    assert delivered == [None], f"an acks=all write to the new leader failed: {delivered}"

    cluster.gregor("fault", "heal", str(leader))
    wait_for(lambda: leader in partition_state(others, "cut")[1], 45, f"broker {leader} rejoined the ISR after heal")
    assert f"broker {leader}: no fault" in fault_list(cluster)
    with open(os.path.join(cluster.dir, "faults.log")) as f:
        log = f.read()
    assert f"gregor fault isolate {leader}:" in log and f"gregor fault heal {leader}:" in log


def test_a_broker_cut_off_from_clients_still_serves_its_peers(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    second = f"127.0.0.1:{port + 1}"
    first = f"127.0.0.1:{port}"
    cluster.gregor("fault", "isolate", "2", "--clients")
    assert "broker 2: isolated from clients" in fault_list(cluster)
    with pytest.raises(ck.KafkaException):
        admin(second).list_topics(timeout=3)
    # Its heartbeats still reach the controller: past the session timeout it is still a live broker.
    time.sleep(FAST["broker.session.timeout.ms"] / 1000 + 1.5)
    assert sorted(admin(first).list_topics(timeout=10).brokers) == [1, 2, 3]
    cluster.gregor("fault", "heal", "2")
    assert sorted(admin(second).list_topics(timeout=10).brokers) == [1, 2, 3]


def test_a_full_disk_answers_kafka_storage_error_stops_the_broker_and_moves_leadership(cluster):
    port, _ = up(cluster, brokers=3, settings=FAST)
    everyone = ",".join(f"127.0.0.1:{port + i}" for i in range(3))
    leader = create_topic(everyone, "full", 3)
    others = ",".join(f"127.0.0.1:{port + n - 1}" for n in (1, 2, 3) if n != leader)
    pid = cluster.broker(leader)["pid"]

    cluster.gregor("fault", "disk-full", str(leader))
    producer = ck.Producer({"bootstrap.servers": f"127.0.0.1:{port + leader - 1}", "acks": "1", "retries": 0,
                            "enable.idempotence": False, "message.timeout.ms": 15000})
    errors = []
    producer.produce("full", value=b"no room", on_delivery=lambda err, msg: errors.append(err))
    producer.flush(20)
    assert len(errors) == 1 and errors[0] is not None and errors[0].code() == ck.KafkaError.KAFKA_STORAGE_ERROR, errors

    wait_for(lambda: is_gone(pid), 15, f"broker {leader} stopped after its log directory failed")
    with open(cluster.broker(leader)["logFile"]) as f:
        assert "Shutdown broker because all log dirs in" in f.read()
    wait_for(lambda: partition_state(others, "full")[0] not in (-1, leader), 30, "leadership of full-0 moved")
    assert f"broker {leader}: stopped; disk full: writes fail with ENOSPC" in fault_list(cluster)

    cluster.gregor("fault", "heal", str(leader), "--disk")
    cluster.gregor("fault", "restart", str(leader))
    assert f"broker {leader}: no fault" in fault_list(cluster)
    wait_for(lambda: leader in partition_state(others, "full")[1], 45, f"broker {leader} rejoined the ISR")


def test_a_corrupt_tail_is_truncated_to_the_last_whole_batch_on_restart(cluster, kcat_path):
    port, _ = up(cluster, brokers=1)
    bootstrap = f"127.0.0.1:{port}"
    create_topic(bootstrap, "torn", 1)
    for batch in range(3):  # three kcat runs: three batches of five records
        run([kcat_path, "-b", bootstrap, "-P", "-t", "torn", "-p", "0"], input="".join(f"{batch}-{i}\n" for i in range(5)))
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "torn-check"})
    assert consumer.get_watermark_offsets(ck.TopicPartition("torn", 0), timeout=10) == (0, 15)
    consumer.close()

    running = cluster.gregor("fault", "corrupt-tail", "1", "torn", "0", check=False)
    assert running.returncode != 0 and "is running" in running.stderr
    cluster.gregor("fault", "kill", "1")
    corrupted = cluster.gregor("fault", "corrupt-tail", "1", "torn", "0").stdout
    assert "corrupted the last 16 of" in corrupted
    cluster.gregor("fault", "restart", "1")

    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "torn-check-2", "auto.offset.reset": "earliest"})
    assert consumer.get_watermark_offsets(ck.TopicPartition("torn", 0), timeout=10) == (0, 10)
    read = run([kcat_path, "-b", bootstrap, "-C", "-t", "torn", "-e", "-q"]).stdout.split()
    assert read == [f"{batch}-{i}" for batch in range(2) for i in range(5)]
    consumer.close()
    with open(cluster.broker(1)["logFile"]) as f:
        log = f.read()
    assert "recovered torn-0" in log and "CRC mismatch" in log


def test_latency_drops_and_a_slow_disk_reach_clients(cluster):
    port, _ = up(cluster, brokers=1)
    bootstrap = f"127.0.0.1:{port}"
    create_topic(bootstrap, "lossy", 1)
    client = admin(bootstrap)
    client.list_topics(timeout=10)  # connected before timing

    cluster.gregor("fault", "latency", "1", "200")
    started = time.monotonic()
    client.list_topics(timeout=10)
    assert time.monotonic() - started >= 0.2
    cluster.gregor("fault", "latency", "1", "0")
    started = time.monotonic()
    client.list_topics(timeout=10)
    assert time.monotonic() - started < 0.2

    # Dropped requests reset their connections; an idempotent producer retries without duplicates.
    cluster.gregor("fault", "drop", "1", "30")
    assert "broker 1: drops 30% of requests" in fault_list(cluster)
    producer = ck.Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0,
                            "message.timeout.ms": 60000, "retry.backoff.ms": 50})
    failures = []
    for i in range(50):
        producer.produce("lossy", value=f"r{i}".encode(), on_delivery=lambda err, msg: failures.append(err) if err else None)
        producer.flush(60)
    assert failures == []
    cluster.gregor("fault", "drop", "1", "0")
    with open(cluster.broker(1)["logFile"]) as f:
        assert "request dropped (fault injection)" in f.read()
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "lossy-check", "auto.offset.reset": "earliest"})
    consumer.subscribe(["lossy"])
    values = []
    deadline = time.monotonic() + 30
    while len(values) < 50 and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            values.append(message.value().decode())
    assert values == [f"r{i}" for i in range(50)], "every record once, in order"
    assert consumer.poll(1.0) is None, "no duplicate after the fiftieth"
    consumer.close()

    cluster.gregor("fault", "slow-disk", "1", "150")
    producer = ck.Producer({"bootstrap.servers": bootstrap, "acks": "1", "linger.ms": 0})
    started = time.monotonic()
    producer.produce("lossy", value=b"slow")
    assert producer.flush(30) == 0
    assert time.monotonic() - started >= 0.15
    cluster.gregor("fault", "heal")
    assert fault_list(cluster) == ["broker 1: no fault"]


def test_the_admin_endpoint_refuses_faults_that_make_no_sense(cluster):
    up(cluster, brokers=1)
    endpoint = f"http://127.0.0.1:{cluster.broker(1)['adminPort']}/faults"
    request = urllib.request.Request(endpoint, data=json.dumps({"dropPercent": 150}).encode(), method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400 and b"percent" in refused.value.read()
    with urllib.request.urlopen(endpoint, timeout=10) as answer:
        assert json.load(answer)["dropPercent"] == 0
    bad = cluster.gregor("fault", "drop", "1", "150", check=False)
    assert bad.returncode != 0 and "0 to 100 percent" in bad.stderr
