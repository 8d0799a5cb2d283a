"""The admin endpoint's Prometheus /metrics, read while confluent-kafka and kcat use the broker.

What the clients did must show in the counters (records and bytes in per topic, bytes out, requests per
API), the state gauges must describe the broker (partitions, leaders, the active controller), and a
follower that stops answering must show as an ISR shrink and an under-replicated partition on its leader;
a group's rebalance and a leader's move count too.
"""

import os
import signal
import time
import urllib.error
import urllib.request

import confluent_kafka as ck
import confluent_kafka.admin as cka
import pytest

from gregor_process import free_port
from support import run


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_count_what_clients_did(broker_factory, kcat_path):
    broker = broker_factory(start=False)
    broker.admin_port = free_port()
    broker.start()
    admin = cka.AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([cka.NewTopic("metered", num_partitions=2, replication_factor=1)])["metered"].result(30)
    producer = ck.Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 5})
    for i in range(500):
        producer.produce("metered", value=b"x" * 100, key=str(i).encode())
    assert producer.flush(30) == 0
    out = run([kcat_path, "-b", broker.bootstrap, "-C", "-t", "metered", "-e", "-q", "-f", "%o\n"]).stdout
    assert len(out.split()) == 500

    samples = scrape(broker.admin_port)
    assert samples['kafka_server_brokertopicmetrics_messagesin_total{topic="metered"}'] == 500
    bytes_in = samples['kafka_server_brokertopicmetrics_bytesin_total{topic="metered"}']
    assert 500 * 100 < bytes_in < 500 * 200  # record batches: values, keys and framing
    assert samples['kafka_server_brokertopicmetrics_bytesout_total{topic="metered"}'] == bytes_in  # kcat read it all once
    assert samples['kafka_network_request_duration_seconds_count{request="Produce"}'] >= 1
    assert samples['kafka_network_request_duration_seconds_count{request="Fetch"}'] >= 1
    assert samples['kafka_network_request_duration_seconds_count{request="CreateTopics"}'] == 1
    assert samples["kafka_server_replicamanager_partitioncount"] == 2
    assert samples["kafka_server_replicamanager_leadercount"] == 2
    assert samples["kafka_controller_activecontrollercount"] == 1
    assert samples["kafka_server_replicamanager_underreplicatedpartitions"] == 0
    assert samples["kafka_controller_offlinepartitionscount"] == 0

    # A consumer joining a group completes a rebalance (the group's first generation).
    assert samples["kafka_coordinator_group_rebalances_total"] == 0
    consumer = ck.Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "metered-readers", "auto.offset.reset": "earliest"})
    consumer.subscribe(["metered"])
    deadline = time.time() + 30
    while not consumer.assignment():
        assert time.time() < deadline, "the consumer was never assigned partitions"
        consumer.poll(0.2)
    assert scrape(broker.admin_port)["kafka_coordinator_group_rebalances_total"] == 1
    consumer.close()

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"http://127.0.0.1:{broker.admin_port}/other", timeout=10)
    assert missing.value.code == 404


@pytest.mark.admin_endpoints
@pytest.mark.broker_settings({"replica.lag.time.max.ms": 2000})
def test_a_paused_follower_shows_as_an_isr_shrink_on_its_leader(quorum):
    admin = cka.AdminClient({"bootstrap.servers": quorum[0].bootstrap})
    admin.create_topics([cka.NewTopic("watched", num_partitions=1, replication_factor=3)])["watched"].result(30)
    deadline = time.time() + 30
    while True:
        partition = admin.list_topics("watched", timeout=10).topics["watched"].partitions[0]
        if partition.leader > 0 and len(partition.isrs) == 3:
            break
        assert time.time() < deadline, "the partition never had a full ISR"
        time.sleep(0.2)
    leader = next(b for b in quorum if b.node_id == partition.leader)
    # A follower that is not also the controller: pausing the controller would stop the ISR change itself.
    controller = admin.list_topics(timeout=10).controller_id
    follower = next(b for b in quorum if b.node_id not in (partition.leader, controller))
    assert scrape(leader.admin_port)["kafka_server_replicamanager_isrshrinks_total"] == 0
    # Paused, the follower keeps its broker session, so the leader (not the controller's fencing) takes
    # it out of the ISR after replica.lag.time.max.ms: Kafka's IsrShrinksPerSec counts those.
    os.kill(follower.pid, signal.SIGSTOP)
    # A follower is out of sync only once it is behind the leader's log end (Kafka's rule), so write.
    producer = ck.Producer({"bootstrap.servers": leader.bootstrap, "acks": 1})
    producer.produce("watched", value=b"after the pause")
    assert producer.flush(30) == 0
    deadline = time.time() + 30
    while True:
        samples = scrape(leader.admin_port)
        if samples["kafka_server_replicamanager_isrshrinks_total"] >= 1:
            break
        assert time.time() < deadline, f"no ISR shrink on leader {leader.node_id}: {samples}"
        time.sleep(0.3)
    assert samples["kafka_server_replicamanager_underreplicatedpartitions"] == 1
    os.kill(follower.pid, signal.SIGCONT)
    deadline = time.time() + 60
    while scrape(leader.admin_port)["kafka_server_replicamanager_isrexpands_total"] < 1:
        assert time.time() < deadline, "the restarted follower never rejoined the ISR"
        time.sleep(0.3)
    assert scrape(leader.admin_port)["kafka_server_replicamanager_underreplicatedpartitions"] == 0

    # The leader stops cleanly: its leadership moves, which the active controller counts as an election.
    others = [b for b in quorum if b is not leader]
    assert leader.stop() == 0
    deadline = time.time() + 30
    while sum(scrape(b.admin_port)["kafka_controller_controllerstats_leaderelections_total"] for b in others) < 1:
        assert time.time() < deadline, "no leader election counted after the leader stopped"
        time.sleep(0.3)
    assert sum(scrape(b.admin_port)["kafka_controller_controllerstats_uncleanleaderelections_total"] for b in others) == 0
