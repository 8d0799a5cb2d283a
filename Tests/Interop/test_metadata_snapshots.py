"""Metadata snapshots (KIP-630) in a three-broker `gregor cluster up`.

The brokers snapshot their metadata image after a few KiB of records (instead of Kafka's 20 MiB), in
small metadata log segments, so a few dozen CreateTopics are enough to make every live broker write a
`<offset>-<epoch>.checkpoint` and delete the segments it covers. A broker that was down meanwhile
comes back behind the leader's log start: it must download the leader's snapshot with FetchSnapshot,
and then serve every topic. A broker restarted on its own snapshot serves them too. The snapshot files
are read with an independent record-batch reader (CRCs checked).
"""

import glob
import os
import time

from confluent_kafka.admin import AdminClient, NewTopic

import kafka_wire as wire
import segments
from local_cluster import up, wait_for

SETTINGS = {
    "metadata.log.max.record.bytes.between.snapshots": "2048",
    "metadata.log.segment.bytes": "4096",
    "broker.session.timeout.ms": "3000",
    "broker.heartbeat.interval.ms": "500",
}


def metadata_dir(cluster, node):
    return os.path.join(cluster.broker(node)["dataDir"], "__cluster_metadata-0")


def checkpoints(cluster, node):
    """[(end offset, epoch, path)] of a broker's snapshot files, oldest first."""
    found = []
    for path in glob.glob(os.path.join(metadata_dir(cluster, node), "*.checkpoint")):
        offset, epoch = os.path.basename(path)[: -len(".checkpoint")].split("-")
        found.append((int(offset), int(epoch), path))
    return sorted(found)


def first_segment_base(cluster, node):
    bases = [int(os.path.basename(p)[:-4]) for p in glob.glob(os.path.join(metadata_dir(cluster, node), "*.log"))]
    return min(bases) if bases else None


def topics_seen_by(port):
    """The topic names one broker's Metadata (v4, all topics) lists, asked on its own port."""
    with wire.connect("127.0.0.1", port) as sock:
        sock.sendall(wire.request(wire.METADATA, 4, 1, wire.int32(-1) + bytes([0])))
        _, body = wire.read_response(sock)
    return {name for name, error, _ in wire.decode_metadata_v4_topics(body) if error == 0}


def create_topics(bootstrap, names):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(n, 1, 1) for n in names], operation_timeout=30).values():
        future.result(timeout=30)


def assert_valid_snapshot(path):
    batches = segments.read_batches(path)
    assert batches, f"{path} holds no record batch"
    assert all(segments.crc_ok(path, b) for b in batches), f"a batch of {path} fails its CRC"
    assert batches[-1].end == os.path.getsize(path), f"{path} has bytes after its last batch"


def test_a_broker_behind_the_snapshots_catches_up_through_fetch_snapshot(cluster):
    port, _ = up(cluster, brokers=3, settings=SETTINGS)
    bootstrap = f"127.0.0.1:{port},127.0.0.1:{port + 1}"
    cluster.gregor("fault", "kill", "3")

    # Where broker 3's metadata log ended, as the quorum leader last saw it.
    def quorum():
        q = wire.describe_quorum("127.0.0.1", port)
        return q if q["leader"] in (1, 2) else None
    wait_for(lambda: quorum() is not None, 30, "brokers 1 and 2 have a quorum leader")
    left_at = max(quorum()["voters"].get(3, 0), 0)

    names = []
    deadline = time.monotonic() + 120
    while not all((first_segment_base(cluster, n) or 0) > left_at for n in (1, 2)):
        assert time.monotonic() < deadline, f"the metadata logs never started past offset {left_at}:\n{cluster.logs()}"
        batch = [f"snap-{len(names) + i}" for i in range(10)]
        create_topics(bootstrap, batch)
        names += batch
        time.sleep(0.2)
    for node in (1, 2):
        found = checkpoints(cluster, node)
        assert found, f"broker {node} wrote no snapshot"
        assert len(found) == 1, f"broker {node} keeps old snapshots: {found}"
        assert found[-1][0] >= first_segment_base(cluster, node), "a segment below the snapshot survived"
        assert_valid_snapshot(found[-1][2])

    cluster.gregor("fault", "restart", "3")
    wait_for(lambda: set(names) <= topics_seen_by(port + 2), 60, "broker 3 lists every topic created while it was down")
    mine = checkpoints(cluster, 3)
    assert mine and mine[-1][0] > left_at, f"broker 3 has no snapshot past its old log end {left_at}: {mine}"
    assert_valid_snapshot(mine[-1][2])
    with open(os.path.join(cluster.dir, "broker-3.log"), errors="replace") as f:
        assert "metadata snapshot loaded" in f.read()

    # A topic created now reaches broker 3 through the log again, after the snapshot.
    create_topics(bootstrap, ["after-the-snapshot"])
    wait_for(lambda: "after-the-snapshot" in topics_seen_by(port + 2), 30, "broker 3 lists a topic created after it caught up")

    # A broker restarted on its own snapshot still knows every topic.
    cluster.gregor("fault", "kill", "1")
    cluster.gregor("fault", "restart", "1")
    wait_for(lambda: set(names) | {"after-the-snapshot"} <= topics_seen_by(port), 60, "restarted broker 1 lists every topic")
