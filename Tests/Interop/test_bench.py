"""`gregor bench` against real Gregor processes, cross-checked with clients others wrote.

What the bench says it produced is read back with kcat; what confluent-kafka produced is what the bench
consumes; records the bench had acknowledged and that confluent-kafka's admin then deleted are reported
lost by `bench verify`, which exits non-zero because the topic's configuration promised to keep them.
"""

import json
import re
import struct
import subprocess

import confluent_kafka as ck
import confluent_kafka.admin as cka

from local_cluster import up
from support import run


def bench(gregor_bin, bootstrap, *args, check=True, timeout=120):
    result = subprocess.run([gregor_bin, "bench", *args, "--bootstrap", bootstrap],
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"gregor bench {' '.join(args)} exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def test_produce_report_matches_what_kcat_reads(gregor_bin, shared_broker, kcat_path, tmp_path):
    report_path = tmp_path / "produce.json"
    result = bench(gregor_bin, shared_broker.bootstrap, "produce", "--topic", "bench-produce", "--partitions", "3",
                   "--records", "5000", "--record-size", "100-300", "--keys", "round-robin:10", "--json", str(report_path))
    # Kafka's kafka-producer-perf-test line, then the HdrHistogram percentiles.
    assert "5000 records sent," in result.stdout and "ms 99.9th." in result.stdout
    assert "produce latency (ms): p50" in result.stdout
    assert "created topic with 3 partition(s)" in result.stderr
    report = json.loads(report_path.read_text())
    assert report["kind"] == "produce" and report["produced"]["records"] == 5000
    assert report["produced"]["errors"] == 0 and report["produced"]["latency"]["count"] == 5000
    assert 100 * 5000 <= report["produced"]["bytes"] <= 300 * 5000 + 6 * 5000  # values plus the short keys
    assert report["series"] and report["series"][-1]["second"] >= 1

    out = run([kcat_path, "-b", shared_broker.bootstrap, "-C", "-t", "bench-produce", "-e", "-q",
               "-f", "%k %S\n"], timeout=60).stdout
    rows = [line.split(" ") for line in out.splitlines() if line]
    assert len(rows) == 5000
    assert {row[0] for row in rows} == {f"key-{i}" for i in range(10)}
    assert all(100 <= int(row[1]) <= 300 for row in rows)

    # Each value starts with the bench's stamp: magic, run, producer, sequence, intended send time.
    stamps = [struct.unpack(">4sIiqq", value[:28]) for value in read_values(shared_broker.bootstrap, "bench-produce", 3, 5000)]
    assert {stamp[0] for stamp in stamps} == {b"GRB1"} and len({stamp[1] for stamp in stamps}) == 1
    assert sorted(stamp[3] for stamp in stamps) == list(range(5000))


def read_values(bootstrap, topic, partitions, count):
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-check", "enable.auto.commit": False})
    consumer.assign([ck.TopicPartition(topic, p, 0) for p in range(partitions)])
    values = []
    try:
        for _ in range(200):
            for message in consumer.consume(1000, 0.5):
                if not message.error():
                    values.append(message.value())
            if len(values) >= count:
                break
    finally:
        consumer.close()
    return values


def test_consume_reads_what_confluent_kafka_produced(gregor_bin, shared_broker, tmp_path):
    admin = cka.AdminClient({"bootstrap.servers": shared_broker.bootstrap})
    admin.create_topics([cka.NewTopic("bench-consume", num_partitions=2, replication_factor=1)])["bench-consume"].result(30)
    producer = ck.Producer({"bootstrap.servers": shared_broker.bootstrap, "linger.ms": 5})
    for i in range(3000):
        producer.produce("bench-consume", value=b"v" * 200, key=str(i).encode())
    assert producer.flush(30) == 0

    report_path = tmp_path / "consume.json"
    result = bench(gregor_bin, shared_broker.bootstrap, "consume", "--topic", "bench-consume", "--json", str(report_path))
    header, values = result.stdout.splitlines()[:2]
    assert header.startswith("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg")
    assert values.split(", ")[4] == "3000"
    report = json.loads(report_path.read_text())
    assert report["consumed"]["records"] == 3000
    assert report["consumed"]["bytes"] == 3000 * 200 + sum(len(str(i)) for i in range(3000))

    grouped = bench(gregor_bin, shared_broker.bootstrap, "consume", "--topic", "bench-consume", "--consumers", "2",
                    "--group", "bench-readers", "--json", str(report_path))
    assert grouped.stdout.splitlines()[1].split(", ")[4] == "3000"
    groups = admin.describe_consumer_groups(["bench-readers"])["bench-readers"].result(30)
    assert str(groups.state).endswith("EMPTY")  # both members left when the bench ended


def test_e2e_on_three_brokers_verifies_clean(gregor_bin, quorum, tmp_path):
    bootstrap = quorum[0].bootstrap
    report_path = tmp_path / "e2e.json"
    result = bench(gregor_bin, bootstrap, "e2e", "--topic", "bench-e2e", "--partitions", "3", "--replication-factor", "3",
                   "--config", "min.insync.replicas=2", "--rate", "2000", "--duration", "3s", "--verify",
                   "--json", str(report_path))
    # EndToEndLatency's lines, then the durability check.
    assert "Avg latency:" in result.stdout and "Percentiles: 50th = " in result.stdout
    assert "lost 0, duplicated 0, moved 0, reordered 0, unexpected 0" in result.stdout
    assert "verified: every acknowledged record was read back once" in result.stdout
    report = json.loads(report_path.read_text())
    assert report["produced"]["records"] == 6000 and report["consumed"]["records"] == 6000
    assert report["consumed"]["latency"]["count"] == 6000
    assert report["verification"]["acknowledged"] == 6000 and report["verification"]["readBack"] == 6000
    assert report["verification"]["promisedNoLoss"] is True and report["verification"]["violated"] is False
    assert len(report["series"]) >= 3
    assert sum(s["produced"]["records"] for s in report["series"]) == 6000


def test_verify_finds_deleted_records_lost_and_fails(gregor_bin, quorum, tmp_path):
    bootstrap = quorum[0].bootstrap
    history = tmp_path / "orders.history"
    bench(gregor_bin, bootstrap, "produce", "--topic", "bench-lost", "--partitions", "1", "--replication-factor", "3",
          "--config", "min.insync.replicas=2", "--records", "2000", "--history", str(history))
    assert "producer 0" not in history.read_text().splitlines()[0]
    clean = bench(gregor_bin, bootstrap, "verify", "--history", str(history))
    assert "lost 0," in clean.stdout

    admin = cka.AdminClient({"bootstrap.servers": bootstrap})
    deleted = admin.delete_records([ck.TopicPartition("bench-lost", 0, 150)])
    for future in deleted.values():
        assert future.result(30).low_watermark == 150

    lost = bench(gregor_bin, bootstrap, "verify", "--history", str(history), check=False)
    assert lost.returncode == 2, lost.stdout + lost.stderr
    assert "lost 150," in lost.stdout
    assert "lost: producer 0 record 0, acknowledged at 0@0" in lost.stdout
    assert "FAILED: 150 acknowledged record(s) lost although the configuration promised none" in lost.stdout


def test_bad_settings_get_one_clear_line(gregor_bin, shared_broker):
    small = bench(gregor_bin, shared_broker.bootstrap, "produce", "--topic", "bench-bad", "--records", "10",
                  "--record-size", "10", "--verify", check=False)
    assert small.returncode != 0
    assert "need records of at least 28 bytes" in small.stderr
    no_end = bench(gregor_bin, shared_broker.bootstrap, "produce", "--topic", "bench-bad", check=False)
    assert no_end.returncode != 0 and "give --records N or --duration D" in no_end.stderr
    sizes = bench(gregor_bin, shared_broker.bootstrap, "produce", "--topic", "bench-bad", "--records", "1",
                  "--record-size", "abc", check=False)
    assert sizes.returncode != 0 and "record size 'abc' is not a number of bytes" in sizes.stderr


def test_e2e_with_a_kill_and_restart_schedule_verifies_clean(cluster, tmp_path):
    port, _ = up(cluster, brokers=3)
    bootstrap = ",".join(f"127.0.0.1:{port + i}" for i in range(3))
    report_path, chart_path = tmp_path / "chaos.json", tmp_path / "chaos.svg"
    result = cluster.gregor(
        "bench", "e2e", "--bootstrap", bootstrap, "--topic", "bench-chaos", "--partitions", "3",
        "--replication-factor", "3", "--config", "min.insync.replicas=2", "--rate", "1000", "--duration", "10s",
        "--faults", "3s kill leader(bench-chaos,0); 7s restart all", "--verify",
        "--json", str(report_path), "--svg", str(chart_path), timeout=240)
    # The time printed is when the fault began: on schedule, give or take some milliseconds.
    assert re.search(r"fault at 3(\.\d+)?s: kill \d \(leader\(bench-chaos,0\)\)", result.stderr), result.stderr
    assert re.search(r"fault at 7(\.\d+)?s: restart ", result.stderr), result.stderr
    assert "lost 0, duplicated 0, moved 0, reordered 0, unexpected 0" in result.stdout, result.stdout
    report = json.loads(report_path.read_text())
    kill, restart = report["faults"]
    assert kill["fault"] == "kill" and len(kill["nodes"]) == 1 and 3000 <= kill["timeMs"] < 4000
    assert restart["fault"] == "restart" and sorted(restart["nodes"]) == [1, 2, 3]
    assert restart["nodes"][0] == kill["nodes"][0]  # the broker that was down comes back first
    verification = report["verification"]
    assert verification["acknowledged"] == verification["readBack"] == report["produced"]["records"] == 10000
    assert verification["promisedNoLoss"] is True and verification["violated"] is False
    # Kafka's promise holds: one broker down at a time, acks=all, min.insync.replicas=2.
    assert report["consumed"]["records"] == report["produced"]["records"]

    chart = chart_path.read_text()
    assert chart.startswith("<svg") and chart.rstrip().endswith("</svg>")
    assert f"kill {kill['nodes'][0]} (leader(bench-chaos,0))" in chart
    assert f"broker {kill['nodes'][0]} down" in chart
    assert chart.count("<polyline") == 5  # produced, consumed, p50, p99, max

    log = (tmp_path / "cluster" / "faults.log").read_text()
    assert re.search(r"bench: fault at 3(\.\d+)?s: kill", log) and re.search(r"bench: fault at 7(\.\d+)?s: restart", log)


def test_a_fault_schedule_that_cannot_be_parsed_is_refused_before_the_run(gregor_bin, shared_broker):
    bad = bench(gregor_bin, shared_broker.bootstrap, "e2e", "--topic", "bench-bad-faults", "--duration", "1s",
                "--faults", "3s explode 2", check=False)
    assert bad.returncode != 0
    assert "unknown fault 'explode'" in bad.stderr and "kill, restart, pause, resume" in bad.stderr
    no_cluster = bench(gregor_bin, shared_broker.bootstrap, "e2e", "--topic", "bench-bad-faults", "--duration", "1s",
                       "--faults", "1s kill 2", "--dir", "/nonexistent/gregor-cluster", check=False)
    assert no_cluster.returncode != 0 and "--faults needs a local cluster" in no_cluster.stderr


def test_chaos_replays_its_seed_and_verifies_and_compare_reads_the_reports(cluster, tmp_path):
    port, _ = up(cluster, brokers=3)
    bootstrap = ",".join(f"127.0.0.1:{port + i}" for i in range(3))
    first = cluster.gregor("bench", "chaos", "--bootstrap", bootstrap, "--seed", "11", "--duration", "8s",
                           "--rate", "500", "--json", str(tmp_path / "chaos.json"), "--quiet", timeout=240)
    schedule = next(line for line in first.stderr.splitlines() if line.startswith("chaos seed 11: "))
    assert "kill" in schedule or "pause" in schedule or "restart" in schedule
    assert "verified: every acknowledged record was read back once" in first.stdout, first.stdout
    report = json.loads((tmp_path / "chaos.json").read_text())
    assert report["settings"]["seed"] == "11" and report["settings"]["faults"] == schedule.split(": ", 1)[1]
    assert report["faults"] and all("failed" not in fault["action"] for fault in report["faults"])
    assert report["verification"]["promisedNoLoss"] is True and report["verification"]["lost"] == 0

    # The same report compared with itself: every ratio is 1.
    compared = run([cluster.binary, "bench", "compare", str(tmp_path / "chaos.json"), str(tmp_path / "chaos.json")]).stdout
    rows = [line for line in compared.splitlines() if line.startswith(("produced records/s", "end-to-end latency p99 ms"))]
    assert len(rows) == 2 and all(row.split()[-1] in ("1.00", "=") for row in rows), compared
