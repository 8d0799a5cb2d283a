#!/usr/bin/env python3
"""What replication costs and how fast a partition fails over, on local Gregor clusters (`gregor cluster up`).

    python3 Benchmarks/peer/replication.py                       # everything, 3 repetitions
    python3 Benchmarks/peer/replication.py --only failover --reps 1 --set broker.session.timeout.ms=2000

  throughput  rdkafka_load (Benchmarks/peer/rdkafka_load.c) produces --records 100-byte values with acks=all
              and linger.ms=5 to a one-partition topic: on a one-broker cluster (RF=1) and on a three-broker
              cluster (RF=3, min.insync.replicas=2), alternating which goes first. The figure is records/s
              from the client's first produce call to its last delivery report. Target: RF=3 at least 50 %
              of one broker.
  e2e         Benchmarks/peer/e2e.py on the RF=3 topic with acks=all: 10,000 records/s, latency from each
              record's intended send time to its arrival at a consumer in another process, with the
              producer's linger.ms at librdkafka's default, 5 (--e2e-linger-ms). Target: p99 at most 10 ms.
  failover    an idempotent acks=all confluent-kafka producer sends 1,000 records/s to the RF=3 topic
              (min.insync.replicas=2); the partition's leader gets SIGKILL (`gregor fault kill`). The
              figure is the time from the kill to the acknowledgement of the first record handed to the
              producer after the kill (only the successor can acknowledge it). Target: at most 3 s.
              Measured twice per repetition: with the leader on another broker than the active
              controller, and on the controller itself (then the quorum elects a new controller first).

Every cluster is new (in .interop/peers/runs/<time>/), its brokers get --set settings when given, and it is
stopped with `gregor cluster down`. The figures go to results.json there. Loopback only; every load is
bounded in records and time.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import peers  # noqa: E402


class Cluster:
    """A local cluster run through the gregor command, in its own directory."""

    def __init__(self, binary, directory, brokers, settings):
        self.binary, self.dir, self.brokers, self.settings = binary, directory, brokers, settings
        self.bootstrap = None
        self.name = f"{brokers}-broker cluster"

    def gregor(self, *args, timeout=180):
        result = subprocess.run([self.binary, *args, "--dir", self.dir], capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"gregor {' '.join(args)} exited {result.returncode}: {result.stderr[-2000:]}")
        return result.stdout

    def up(self):
        sets = [arg for setting in self.settings for arg in ("--set", setting)]
        self.bootstrap = self.gregor("cluster", "up", "--brokers", str(self.brokers), "--port", str(free_ports(self.brokers)),
                                     "--admin-port", str(free_ports(self.brokers)), "--timeout", "120", *sets).strip()
        return self

    def down(self):
        """Stops the brokers and deletes their data (gigabytes after a throughput run); the logs stay."""
        self.gregor("cluster", "down")
        with open(os.path.join(self.dir, "cluster.json")) as f:
            for broker in json.load(f)["brokers"]:
                shutil.rmtree(broker["dataDir"], ignore_errors=True)

    def cpu_seconds(self):
        """user + system CPU of the running brokers, from /proc."""
        with open(os.path.join(self.dir, "cluster.json")) as f:
            pids = [b["pid"] for b in json.load(f)["brokers"] if b.get("pid")]
        total = 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except FileNotFoundError:
                pass
        return total


def free_ports(count):
    for _ in range(200):
        base = random.randint(20000, 60000 - count)
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


def create_topic(bootstrap, topic, factor, leader=None):
    """A one-partition topic (led by `leader` when given); waits until its ISR holds every replica."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    config = {"min.insync.replicas": "2"} if factor == 3 else {}
    if leader is None:
        new = NewTopic(topic, 1, factor, config=config)
    else:
        new = NewTopic(topic, num_partitions=1, config=config,
                       replica_assignment=[[leader] + [b for b in (1, 2, 3) if b != leader]])
    admin.create_topics([new])[topic].result(30)
    # Every broker learns of the topic when it replays the metadata log; a client's first Metadata may go
    # to any of them, so wait until each one reports it with its whole ISR.
    views = [AdminClient({"bootstrap.servers": address}) for address in bootstrap.split(",")]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        leaders = set()
        for view in views:
            meta = view.list_topics(topic, timeout=10).topics.get(topic)
            if meta and meta.error is None and 0 in meta.partitions and len(meta.partitions[0].isrs) == factor:
                leaders.add(meta.partitions[0].leader)
        if len(leaders) == 1 and min(leaders) >= 0:
            return leaders.pop()
        time.sleep(0.1)
    raise RuntimeError(f"{topic}: not every broker shows a leader and a full ISR after 60 s")


def throughput(cluster, args, topic, factor):
    create_topic(cluster.bootstrap, topic, factor)
    argv = ["-b", cluster.bootstrap, "-t", topic, "-s", "100", "--timeout", str(args.timeout), "-n", str(args.records),
            "--first-value", "0", "-X", "linger.ms=5", "-X", "acks=all"]
    cpu0 = cluster.cpu_seconds()
    rs = compare.run_clients(cluster.name, "produce", [argv], args)
    result = compare.combined(rs, args.records, 100)
    result["brokers_cpu_s"] = cluster.cpu_seconds() - cpu0
    return result


def e2e(cluster, args, topic):
    return compare.run_e2e(cluster, args, topic, acks="all", create=lambda: create_topic(cluster.bootstrap, topic, 3))


def controller_of(bootstrap):
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": bootstrap})  # kept alive until the future resolves
    return admin.describe_cluster(request_timeout=10).result(15).controller.id


def failover(cluster, topic, kill_controller, seconds_before=3, limit_s=60):
    """Seconds from SIGKILL of the leader to the first acknowledgement of a record produced after it. The
    partition's leader is the active controller when `kill_controller`, another broker otherwise."""
    from confluent_kafka import Producer
    controller = controller_of(cluster.bootstrap)
    chosen = controller if kill_controller else next(b for b in (1, 2, 3) if b != controller)
    leader = create_topic(cluster.bootstrap, topic, 3, leader=chosen)
    if leader != chosen or controller_of(cluster.bootstrap) != controller:
        raise RuntimeError(f"wanted leader {chosen} with controller {controller}, got leader {leader}")
    producer = Producer({"bootstrap.servers": cluster.bootstrap, "acks": "all", "enable.idempotence": True,
                         "linger.ms": 0, "message.timeout.ms": 120_000})
    acked_after_kill = []
    failures = []
    killed_at = None

    def report(error, message):
        if error is not None:
            failures.append(str(error))
        elif killed_at is not None and int(message.value()) >= first_after_kill:
            acked_after_kill.append(time.monotonic())

    first_after_kill = 10**12
    sent = 0
    start = time.monotonic()
    deadline = start + seconds_before + limit_s
    while not acked_after_kill and time.monotonic() < deadline:
        now = time.monotonic()
        if killed_at is None and now - start >= seconds_before:
            cluster.gregor("fault", "kill", str(leader))  # returns once the process is gone
            killed_at = time.monotonic()
            first_after_kill = sent
        while sent < int((time.monotonic() - start) * 1000):
            producer.produce(topic, value=str(sent).encode(), partition=0, on_delivery=report)
            sent += 1
        producer.poll(0.001)
    producer.flush(120)
    if failures or not acked_after_kill:
        raise RuntimeError(f"failover: no acknowledgement after the kill within {limit_s}s; failures {failures[:3]}")
    return {"seconds": acked_after_kill[0] - killed_at, "killed": leader, "was_controller": kill_controller,
            "records_sent": sent}


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="throughput,e2e,failover")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--records", type=int, default=3_000_000, help="records per throughput run")
    parser.add_argument("--e2e-rate", type=int, default=10_000)
    parser.add_argument("--e2e-seconds", type=int, default=30)
    parser.add_argument("--e2e-warmup", type=int, default=5)
    parser.add_argument("--e2e-linger-ms", type=int, default=5, help="the e2e producer's linger.ms (librdkafka's default: 5)")
    parser.add_argument("--set", dest="settings", action="append", default=[], help="a broker config, key=value")
    parser.add_argument("--gregor-rev", help="build this commit instead of the working tree")
    parser.add_argument("--gregor-bin", help="use this gregor binary")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    # SIGTERM (timeout, kill) unwinds like Ctrl-C, so every cluster started here is stopped.
    signal.signal(signal.SIGTERM, interrupted)

    binary = args.gregor_bin or peers.build_gregor(args.gregor_rev)
    args.rdkafka_load, librdkafka = peers.build_rdkafka_load()
    rundir = os.path.join(peers.CACHE, "runs", time.strftime("replication-%Y%m%d-%H%M%S"))
    os.makedirs(rundir)
    peers.log(f"gregor {binary}, librdkafka {librdkafka}, settings {args.settings or 'defaults'}, runs in {rundir}")
    results = []

    def run(name, brokers, body):
        cluster = Cluster(binary, os.path.join(rundir, f"{name}-{len(results)}"), brokers, args.settings).up()
        try:
            result = {"test": name, **body(cluster)}
        finally:
            cluster.down()
        results.append(result)
        peers.log(json.dumps(result))

    for rep in range(args.reps):
        if "throughput" in args.only:
            order = [1, 3] if rep % 2 == 0 else [3, 1]
            for brokers in order:
                run(f"throughput rf{brokers}", brokers, lambda c, b=brokers: throughput(c, args, f"tp-r{rep}", b))
        if "e2e" in args.only:
            run("e2e rf3", 3, lambda c: e2e(c, args, f"e2e-r{rep}"))
        if "failover" in args.only:
            run("failover", 3, lambda c: failover(c, f"failover-r{rep}", kill_controller=False))
            run("failover controller", 3, lambda c: failover(c, f"failover-c-r{rep}", kill_controller=True))

    with open(os.path.join(rundir, "results.json"), "w") as f:
        json.dump({"settings": args.settings, "results": results}, f, indent=2)
    print("\nmedians:")
    rf1 = [r["records_per_s"] for r in results if r["test"] == "throughput rf1"]
    rf3 = [r["records_per_s"] for r in results if r["test"] == "throughput rf3"]
    if rf1 and rf3:
        print(f"  throughput acks=all: one broker RF=1 {statistics.median(rf1):,.0f} records/s, three brokers RF=3 "
              f"{statistics.median(rf3):,.0f} records/s: {statistics.median(rf3) / statistics.median(rf1):.0%} (target >= 50 %)")
    p99 = [r["p99"] for r in results if r["test"] == "e2e rf3"]
    if p99:
        print(f"  e2e RF=3 acks=all at {args.e2e_rate}/s, linger.ms={args.e2e_linger_ms}: p99 {statistics.median(p99):.2f} ms (runs {p99}; target <= 10 ms)")
    for name, what in (("failover", "a leader"), ("failover controller", "a leader that is also the controller")):
        fo = [r["seconds"] for r in results if r["test"] == name]
        if fo:
            print(f"  kill -9 of {what} -> first acks=all write on the successor: {statistics.median(fo):.2f} s "
                  f"(runs {[round(x, 2) for x in fo]}; target <= 3 s)")


if __name__ == "__main__":
    main()
