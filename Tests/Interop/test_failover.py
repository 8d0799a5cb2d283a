"""Failover in a three-broker `gregor cluster up`, driven by confluent-kafka and kafka-python.

An idempotent acks=all producer keeps writing while the leader of its partition is killed with SIGKILL:
the controller fences the silent broker after broker.session.timeout.ms, elects a new leader from the
ISR, the producer carries on there, and every acknowledged record is read back at the offset it was
acknowledged at, exactly once. The killed broker, restarted, rejoins the ISR. With two of three brokers
down, acks=all is refused (NOT_ENOUGH_REPLICAS) or times out while acks=1 still works. SIGTERM moves a
broker's leaderships away before it exits (controlled shutdown).

The brokers run with a 3 s session (heartbeats every 500 ms) instead of Kafka's 9 s, to keep the
run short; docs/benchmarks.md measures failover with the defaults.
"""

import os
import signal
import threading
import time

import confluent_kafka as ck
import pytest
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaConsumer, KafkaProducer, TopicPartition as KpTopicPartition
from kafka.errors import KafkaError as KpKafkaError

import kafka_wire as wire
from local_cluster import is_broker, is_gone, up, wait_for

SESSION = {"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500"}
NOT_ENOUGH_REPLICAS = ck.KafkaError.NOT_ENOUGH_REPLICAS


def bootstrap_of(port, brokers=3):
    return ",".join(f"127.0.0.1:{port + i}" for i in range(brokers))


def create_replicated(bootstrap, topic, config=None):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, 1, 3, config=config or {})])[topic].result(timeout=30)
    return admin


def partition_state(admin, topic, want, timeout=30):
    """(leader, sorted ISR) of partition 0 once `want(leader, isr)` holds; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        try:
            metadata = admin.list_topics(topic, timeout=5).topics[topic]
            if metadata.error is None and 0 in metadata.partitions:
                p = metadata.partitions[0]
                state = (p.leader, sorted(p.isrs))
                if want(*state):
                    return state
        except ck.KafkaException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"partition 0 of {topic} never reached the wanted state; last seen {state}")


class BackgroundProducer:
    """Produces value-0, value-1, ... until stopped (at most `limit` records), recording each acknowledged
    (offset, value) and each failed delivery. `send(value)` and `flush()` are the client's own calls."""

    def __init__(self, send, flush, limit=50_000):
        self.send, self.flush, self.limit = send, flush, limit
        self.acked, self.failed = [], []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def acknowledged(self, offset, value):
        with self.lock:
            self.acked.append((offset, value))

    def count(self):
        with self.lock:
            return len(self.acked)

    def wait_for(self, count, timeout, what):
        deadline = time.monotonic() + timeout
        while self.count() < count:
            assert time.monotonic() < deadline, f"{what}: {self.count()} of {count} acknowledged, failures {self.failed[:3]}"
            time.sleep(0.05)

    def _run(self):
        i = 0
        while not self.stopping.is_set() and i < self.limit:
            self.send(f"value-{i}".encode())
            i += 1
            time.sleep(0.002)
        self.flush()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join(90)
        assert not self.thread.is_alive(), "the producer did not finish"


def confluent_producer(bootstrap, topic):
    producer = ck.Producer({
        "bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 5,
        "message.timeout.ms": 60_000, "topic.metadata.refresh.interval.ms": 1000,
    })
    background = None

    def report(error, message):
        if error is not None:
            background.failed.append(error)
        else:
            background.acknowledged(message.offset(), message.value())

    def send(value):
        while True:
            try:
                producer.produce(topic, value=value, partition=0, on_delivery=report)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)

    background = BackgroundProducer(send, lambda: producer.flush(60))
    return background


def kafka_python_producer(bootstrap, topic):
    producer = KafkaProducer(
        bootstrap_servers=bootstrap.split(","), acks="all", enable_idempotence=True, linger_ms=5,
        retries=1_000_000, retry_backoff_ms=100, request_timeout_ms=5000, delivery_timeout_ms=60_000,
        metadata_max_age_ms=1000, max_in_flight_requests_per_connection=5)
    background = None

    def send(value):
        future = producer.send(topic, value=value, partition=0)
        future.add_callback(lambda metadata: background.acknowledged(metadata.offset, value))
        future.add_errback(lambda error: background.failed.append(error))

    def flush():
        producer.flush(60)
        producer.close(10)

    background = BackgroundProducer(send, flush)
    return background


def read_partition(bootstrap, topic, end_offset):
    """(offset, value) of every record of partition 0 below `end_offset`."""
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "failover-check", "enable.auto.commit": False})
    consumer.assign([ck.TopicPartition(topic, 0, ck.OFFSET_BEGINNING)])
    records = []
    deadline = time.monotonic() + 60
    while (not records or records[-1][0] < end_offset - 1) and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            records.append((message.offset(), message.value()))
    consumer.close()
    return records


def kill_the_leader_while_producing(cluster, make_producer, topic):
    port, _ = up(cluster, brokers=3, settings=SESSION)
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, topic, {"min.insync.replicas": "2"})
    leader, _ = partition_state(admin, topic, lambda leader, isr: leader > 0 and isr == [1, 2, 3])

    with make_producer(bootstrap, topic) as producer:
        producer.wait_for(300, 30, "before the kill")
        cluster.gregor("fault", "kill", str(leader))
        before = producer.count()
        successor, isr = partition_state(admin, topic, lambda new, isr: new > 0 and new != leader, timeout=20)
        assert leader not in isr
        producer.wait_for(before + 300, 40, "on the new leader")
        cluster.gregor("fault", "restart", str(leader))
        partition_state(admin, topic, lambda _, isr: isr == [1, 2, 3], timeout=60)
        producer.wait_for(producer.count() + 100, 30, "after the old leader rejoined")

    assert producer.failed == []
    acked = dict(producer.acked)
    assert len(acked) == len(producer.acked), "two records acknowledged at one offset"
    log = read_partition(bootstrap, topic, max(acked) + 1)
    by_offset = dict(log)
    wrong = [(offset, value, by_offset.get(offset)) for offset, value in producer.acked if by_offset.get(offset) != value]
    assert wrong == [], f"{len(wrong)} acknowledged records are not at their offsets, e.g. {wrong[:3]}"
    values = [value for _, value in log]
    assert len(values) == len(set(values)), "a record was written twice"
    return leader, successor


def test_confluent_kafka_acks_all_survives_the_leader_being_killed(cluster):
    kill_the_leader_while_producing(cluster, confluent_producer, "failover-ck")


def test_kafka_python_acks_all_survives_the_leader_being_killed(cluster):
    kill_the_leader_while_producing(cluster, kafka_python_producer, "failover-kp")


def test_with_two_of_three_down_acks_all_is_refused_and_acks_1_works(cluster):
    port, _ = up(cluster, brokers=3, settings={**SESSION, "replica.lag.time.max.ms": "3000"})
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, "lonely", {"min.insync.replicas": "2"})
    leader, _ = partition_state(admin, "lonely", lambda leader, isr: leader > 0 and isr == [1, 2, 3])
    alive = f"127.0.0.1:{port + leader - 1}"

    def produce(acks):
        producer = ck.Producer({"bootstrap.servers": alive, "acks": acks, "message.timeout.ms": 20_000, "retries": 0})
        outcome = []
        producer.produce("lonely", value=b"x", partition=0, on_delivery=lambda error, message: outcome.append(error))
        producer.flush(30)
        return outcome[0]

    # A write all three acknowledged: the leader has replayed the topic (it may lag the controller by a
    # moment, and without a quorum it could not catch up later).
    assert produce("all") is None
    # Kill the two followers; the quorum then has one voter of three, so nothing can change the metadata
    # and the leader stays. Its ISR shrinks to itself after replica.lag.time.max.ms once it has appended
    # past them (Kafka's rule), and acks=all is then refused.
    for node in (n for n in (1, 2, 3) if n != leader):
        cluster.gregor("fault", "kill", str(node))
    assert produce("1") is None
    deadline = time.monotonic() + 60
    error = produce("all")
    while error is not None and error.code() != NOT_ENOUGH_REPLICAS and time.monotonic() < deadline:
        error = produce("all")
    assert error is not None and error.code() in (NOT_ENOUGH_REPLICAS, ck.KafkaError._MSG_TIMED_OUT), error
    assert produce("1") is None


def test_sigterm_moves_leadership_away_before_the_broker_exits(cluster):
    port, _ = up(cluster, brokers=3, settings=SESSION)
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, "handover")
    leader, _ = partition_state(admin, "handover", lambda leader, isr: leader > 0 and isr == [1, 2, 3])
    pid = cluster.broker(leader)["pid"]
    assert is_broker(pid, cluster.broker(leader)["dataDir"])
    started = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    successor, isr = partition_state(admin, "handover", lambda new, isr: new > 0 and new != leader, timeout=10)
    # Faster than a fencing: the broker asked the controller to move its leaderships before it exited.
    assert time.monotonic() - started < 3
    assert leader not in isr
    wait_for(lambda: is_gone(pid), 30, f"broker {leader} exited")
    text = open(f"{cluster.dir}/broker-{leader}.log", errors="replace").read()
    assert "controlled shutdown complete" in text


def test_kafka_python_reads_every_record_after_a_failover(cluster):
    port, _ = up(cluster, brokers=3, settings=SESSION)
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, "reread")
    leader, _ = partition_state(admin, "reread", lambda leader, isr: leader > 0 and isr == [1, 2, 3])
    producer = ck.Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for i in range(200):
        producer.produce("reread", value=f"r{i}".encode(), partition=0)
    assert producer.flush(30) == 0
    cluster.gregor("fault", "kill", str(leader))
    partition_state(admin, "reread", lambda new, _: new > 0 and new != leader, timeout=20)
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False, consumer_timeout_ms=20_000)
    consumer.assign([KpTopicPartition("reread", 0)])
    consumer.seek_to_beginning()
    got = []
    try:
        for message in consumer:
            got.append(message.value.decode())
            if len(got) == 200:
                break
    except KpKafkaError as error:
        pytest.fail(f"kafka-python failed after the failover: {error}")
    finally:
        consumer.close()
    assert got == [f"r{i}" for i in range(200)]


def test_killing_the_group_coordinator_keeps_the_group_consuming_and_its_commits(cluster):
    port, _ = up(cluster, brokers=3, settings=SESSION)
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, "work")
    partition_state(admin, "work", lambda leader, isr: leader > 0 and isr == [1, 2, 3])
    producer = ck.Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for i in range(300):
        producer.produce("work", value=f"w{i}".encode(), partition=0)
    assert producer.flush(30) == 0

    consumer = ck.Consumer({
        "bootstrap.servers": bootstrap, "group.id": "survivors", "enable.auto.commit": False,
        "auto.offset.reset": "earliest", "session.timeout.ms": 10_000, "heartbeat.interval.ms": 1000,
    })
    consumer.subscribe(["work"])
    seen = []

    def consume_until(count, timeout=60):
        """Consumes until `count` distinct records arrived, committing every 50th offset. A rebalance
        after the coordinator moved may deliver some records again (at least once), never lose one."""
        deadline = time.monotonic() + timeout
        while len(set(seen)) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and not message.error():
                seen.append(message.value().decode())
                if (message.offset() + 1) % 50 == 0:
                    commit_with_retries(message.offset() + 1)
        assert len(set(seen)) >= count, f"consumed {len(set(seen))} of {count}"

    def commit_with_retries(offset, timeout=60):
        """A commit while the coordinator moves fails with a retriable error; the application retries."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                consumer.commit(offsets=[ck.TopicPartition("work", 0, offset)], asynchronous=False)
                return
            except ck.KafkaException as error:
                assert error.args[0].retriable() and time.monotonic() < deadline, error

    consume_until(100)
    group = admin.describe_consumer_groups(["survivors"])["survivors"].result(timeout=15)
    coordinator = group.coordinator.id
    cluster.gregor("fault", "kill", str(coordinator))

    # The commit made before the kill is readable from the new coordinator (kafka-python asks).
    reader = KafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id="survivors", enable_auto_commit=False)
    try:
        deadline = time.monotonic() + 40
        committed = None
        while committed != 100 and time.monotonic() < deadline:
            try:
                committed = reader.committed(KpTopicPartition("work", 0))
            except KpKafkaError:
                committed = None
            time.sleep(0.2)
        assert committed == 100
    finally:
        reader.close()

    consume_until(300)
    consumer.close()
    assert set(seen) == {f"w{i}" for i in range(300)}
    offsets = admin.list_consumer_group_offsets([ck.ConsumerGroupTopicPartitions("survivors")])["survivors"].result(timeout=15)
    assert [tp.offset for tp in offsets.topic_partitions if tp.topic == "work"] == [300]


# The liveness probe (broker.liveness.probe.enable, on by default): with a 60 s session, only the probe
# can fence a killed broker within the tests' 20 s; a paused broker still accepts connections and keeps
# its session, as in Kafka.
LONG_SESSION = {"broker.session.timeout.ms": "60000"}


def leaders_of(admin, topic):
    return {p: m.leader for p, m in admin.list_topics(topic, timeout=5).topics[topic].partitions.items()}


def fencing_reasons(cluster, node):
    found = []
    for name in sorted(os.listdir(cluster.dir)):
        if name.endswith(".log"):
            text = open(os.path.join(cluster.dir, name), errors="replace").read()
            found += [line for line in text.splitlines() if f"fencing broker {node}:" in line]
    return found


@pytest.mark.parametrize("victim", ["controller", "another leader"])
def test_a_killed_broker_is_fenced_long_before_its_session_runs_out(cluster, victim):
    port, _ = up(cluster, brokers=3, settings=LONG_SESSION)
    bootstrap = bootstrap_of(port)
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic("probed", 6, 3)])["probed"].result(timeout=30)
    wait_for(lambda: len(leaders_of(admin, "probed")) == 6 and all(leader > 0 for leader in leaders_of(admin, "probed").values()), 30,
             "every partition has a leader")
    controller = wire.describe_quorum("127.0.0.1", port)["leader"]
    leaders = leaders_of(admin, "probed")
    node = controller if victim == "controller" else next(n for n in sorted(set(leaders.values())) if n != controller)
    cluster.gregor("fault", "kill", str(node))

    def moved():
        now = leaders_of(admin, "probed")
        return len(now) == 6 and all(leader > 0 and leader != node for leader in now.values())
    wait_for(moved, 20, f"the partitions broker {node} led have new leaders")
    reasons = fencing_reasons(cluster, node)
    assert reasons and all("refuses connections" in r for r in reasons), reasons


def test_a_paused_broker_keeps_its_session(cluster):
    port, _ = up(cluster, brokers=3, settings=LONG_SESSION)
    bootstrap = bootstrap_of(port)
    admin = create_replicated(bootstrap, "paused")
    leader, _ = partition_state(admin, "paused", lambda leader, isr: leader > 0 and isr == [1, 2, 3])
    cluster.gregor("fault", "pause", str(leader))
    try:
        time.sleep(4)  # eight heartbeat intervals
        live = [n for n in (1, 2, 3) if n != leader]
        other = AdminClient({"bootstrap.servers": ",".join(f"127.0.0.1:{port + n - 1}" for n in live)})
        assert leaders_of(other, "paused")[0] == leader
        assert fencing_reasons(cluster, leader) == []
    finally:
        cluster.gregor("fault", "resume", str(leader))


def test_a_preferred_election_moves_leadership_back_after_a_failover(cluster):
    """ElectLeaders (PREFERRED) with confluent-kafka: after broker 1, the preferred replica, was killed
    and came back into the ISR, leadership stays with its successor (no automatic rebalance) until a
    preferred election moves it back; asked again, the election is not needed."""
    from confluent_kafka import ElectionType, TopicPartition

    port, _ = up(cluster, brokers=3, settings=SESSION)
    bootstrap = bootstrap_of(port)
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic("preferred", num_partitions=1, replica_assignment=[[1, 2, 3]])])["preferred"].result(timeout=30)
    partition_state(admin, "preferred", lambda leader, isr: leader == 1 and isr == [1, 2, 3])
    cluster.gregor("fault", "kill", "1")
    successor, _ = partition_state(admin, "preferred", lambda leader, _: leader in (2, 3), timeout=20)
    cluster.gregor("fault", "restart", "1")
    leader, _ = partition_state(admin, "preferred", lambda _, isr: isr == [1, 2, 3], timeout=60)
    assert leader == successor

    results = admin.elect_leaders(ElectionType.PREFERRED, [TopicPartition("preferred", 0)]).result(timeout=30)
    assert [error for error in results.values()] == [None], results
    partition_state(admin, "preferred", lambda leader, _: leader == 1, timeout=20)
    again = admin.elect_leaders(ElectionType.PREFERRED, [TopicPartition("preferred", 0)]).result(timeout=30)
    [error] = again.values()
    assert error is not None and error.code() == ck.KafkaError.ELECTION_NOT_NEEDED, again
