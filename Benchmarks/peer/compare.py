#!/usr/bin/env python3
"""Gregor against the Tansu broker on this machine, in the same run, with librdkafka clients.

    python3 Benchmarks/peer/compare.py                 # the full comparison (docs/benchmarks.md)
    python3 Benchmarks/peer/compare.py --records 100000 --reps 1 --e2e-seconds 10    # a quick check

For each repetition, and alternating which broker goes first, each broker is started fresh on loopback
(Gregor on disk in .interop/peers/runs/, Tansu with its memory engine), then:

  rdkafka   Benchmarks/peer/rdkafka_load.c, our C client on librdkafka's API (built here with gcc, linked
            against confluent-kafka's librdkafka 2.16): produces N values of the same bytes as the kcat file
            from one preallocated buffer without copying them (linger.ms=5), timed from the first produce
            call to the last delivery report; then consumes the topic back from the beginning to the
            partition EOFs, timed from assign() to the last EOF, checking the count, the end offsets and
            every value. The primary librdkafka measurement: no per-record work beyond librdkafka's own.
            --clients C runs C processes for each, started together (each sets up, then waits for a go on
            stdin): producer i sends values [i*N/C, (i+1)*N/C) to the same topic (default partitioner);
            consumers read disjoint shares (1 partition: offset ranges; P partitions:
            P/C whole partitions each when C divides P, else the same offset share of every partition). The
            time is from the earliest start to the latest end, as the processes report them (CLOCK_MONOTONIC);
            the client CPU is their sum. The default, 1, is one process doing all the work.
  produce   kcat -P reads a file of N 100-byte values (one per line) into a new topic with P partitions,
            linger.ms=5, timed as a whole process; then ListOffsets end offsets are read back.
  consume   kcat -C -e -o beginning reads that topic back to its end, timed as a whole process; the
            output is checked: N records, exactly the values produced (in order on one partition).
  raw       Benchmarks/peer/rawload.py: the same N records in pre-built batches, produced and fetched by a
            client that does no per-record work, because on a small machine kcat is the bottleneck.
  (produce and consume are the "kcat" rows; a client tool with its own per-record work, kept so that
  the client's effect shows.)
  e2e       Benchmarks/peer/e2e.py: a producer at a fixed rate and a consumer in another process;
            latency percentiles corrected for coordinated omission.

It prints each run, the medians, the Gregor/Tansu ratio of each pair and the targets, and writes the
figures as JSON to .interop/peers/runs/<time>/results.json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peers  # noqa: E402

VENV_PYTHON = os.path.join(peers.REPO, ".interop", "venv", "bin", "python")


def ensure_client_libraries():
    """Re-run under the project's venv (made by `make deps`) unless confluent-kafka is importable."""
    try:
        import confluent_kafka  # noqa: F401
        return
    except ImportError:
        pass
    if not os.path.exists(VENV_PYTHON):
        peers.log("confluent-kafka is missing; running `make deps` (kcat and the Python clients)")
        subprocess.run(["make", "deps"], cwd=peers.REPO, check=True, timeout=1800)
    if os.path.realpath(sys.executable) == os.path.realpath(VENV_PYTHON):
        raise SystemExit("confluent-kafka is not importable even in .interop/venv; run `make deps`")
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])


def data_file(records, size):
    """N lines of `size` bytes: a 10-digit sequence number, then filler; in /dev/shm (memory) when there is
    one, so that reading it costs kcat nothing. The caller removes it."""
    directory = "/dev/shm" if os.path.isdir("/dev/shm") else peers.CACHE
    path = os.path.join(directory, f"gregor-peer-{os.getpid()}-{records}x{size}.txt")
    filler = "v" * (size - 10) + "\n"
    with open(path, "w") as f:
        for start in range(0, records, 10_000):
            f.write("".join(f"{i:010d}{filler}" for i in range(start, min(records, start + 10_000))))
    return path


def timed(argv, env, stdout, timeout):
    """Run a client to completion; wall time and the client's own CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout,
                          preexec_fn=peers.client_preexec)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, elapsed, cpu


def create_topic(bootstrap, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        meta = admin.list_topics(topic, timeout=10).topics.get(topic)
        if meta and meta.error is None and len(meta.partitions) == partitions and \
                all(p.leader >= 0 for p in meta.partitions.values()):
            return
        time.sleep(0.1)
    raise RuntimeError(f"topic {topic} has no leaders after 30 s")


def checked_end_offsets(broker, topic, partitions, records):
    """ListOffsets end offsets after a produce; on Gregor they must sum to the records sent. (Tansu 0.6 answers
    with the last batch's base offset + 1, see docs/benchmarks.md, so there they are only recorded.)"""
    offsets = end_offsets(broker.bootstrap, topic, partitions)
    if broker.name == "gregor" and sum(offsets) != records:
        raise RuntimeError(f"ListOffsets on {broker.name} after producing {records} records: {offsets}")
    return offsets


def end_offsets(bootstrap, topic, partitions):
    """ListOffsets (latest) for each partition."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "gregor-peer-offsets"})
    try:
        return [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)]
    finally:
        consumer.close()


def run_produce(broker, env, path, args, topic, partitions):
    create_topic(broker.bootstrap, topic, partitions)
    cpu0 = broker.cpu_seconds()
    argv = ["kcat", "-P", "-b", broker.bootstrap, "-t", topic, "-l", path, "-X", f"linger.ms={args.linger_ms}"]
    proc, elapsed, client_cpu = timed(argv, env, subprocess.DEVNULL, args.timeout)
    broker_cpu = broker.cpu_seconds() - cpu0
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode != 0 or "ERROR" in stderr or "failed" in stderr.lower():
        raise RuntimeError(f"kcat -P against {broker.name} failed ({proc.returncode}): {stderr[-2000:]}")
    offsets = checked_end_offsets(broker, topic, partitions, args.records)
    return {"seconds": elapsed, "records_per_s": args.records / elapsed,
            "mb_per_s": args.records * args.size / elapsed / 1e6, "client_cpu_s": client_cpu,
            "broker_cpu_s": broker_cpu, "list_offsets_end": offsets, "list_offsets_sum": sum(offsets)}


def run_consume(broker, env, path, args, topic, partitions):
    out = path + f".{broker.name}.out"
    cpu0 = broker.cpu_seconds()
    # Two client timers would otherwise dominate the figure, and not because of the broker:
    # fetch.wait.max.ms=10: while data is there a broker answers at once whatever the wait; the setting only
    #   shortens the last, empty long-poll that tells kcat it reached the end (500 ms by default).
    # fetch.queue.backoff.ms=10: when a fetch finds librdkafka's local queue over its threshold (the broker
    #   sends faster than kcat writes), the next fetch is put off by this much (1000 ms by default), which
    #   added a whole second to some runs, the faster the broker the more often.
    argv = ["kcat", "-C", "-b", broker.bootstrap, "-t", topic, "-e", "-o", "beginning",
            "-X", "fetch.wait.max.ms=10", "-X", "fetch.queue.backoff.ms=10"]
    with open(out, "wb") as sink:
        proc, elapsed, client_cpu = timed(argv, env, sink, args.timeout)
    broker_cpu = broker.cpu_seconds() - cpu0
    stderr = proc.stderr.decode(errors="replace")
    try:
        if proc.returncode != 0 or "ERROR" in stderr:
            raise RuntimeError(f"kcat -C against {broker.name} failed ({proc.returncode}): {stderr[-2000:]}")
        eof = [int(m.group(1)) for m in re.finditer(r"Reached end of topic .* \[\d+\] at offset (\d+)", stderr)]
        check = verify_output(path, out, partitions)
    finally:
        os.unlink(out)
    if len(eof) != partitions or sum(eof) != args.records:
        raise RuntimeError(f"kcat -C against {broker.name} reached the end at {eof}, expected {args.records} in all")
    return {"seconds": elapsed, "records_per_s": args.records / elapsed,
            "mb_per_s": args.records * args.size / elapsed / 1e6, "client_cpu_s": client_cpu,
            "broker_cpu_s": broker_cpu, "eof_offsets": eof, "check": check}


def verify_output(expected_path, actual_path, partitions):
    """The consumed values are exactly the produced ones: byte for byte on one partition, as a set on many."""
    with open(expected_path, "rb") as f:
        expected = f.read()
    with open(actual_path, "rb") as f:
        actual = f.read()
    if partitions == 1:
        if actual != expected:
            raise RuntimeError(f"consumed bytes differ from produced ({len(actual)} vs {len(expected)} bytes)")
        return "identical, in order"
    if sorted(actual.splitlines()) != expected.splitlines():
        raise RuntimeError("consumed values are not the produced values")
    return "same values"


def split(total, n, i):
    """The i-th of n contiguous shares of range(total): [i*total//n, (i+1)*total//n)."""
    return i * total // n, (i + 1) * total // n


def run_clients(name, role, argvs, args):
    """Runs len(argvs) rdkafka_load processes as one measurement: each sets up (connection, metadata, values),
    says "ready"; once all are ready each gets the go on stdin and starts its clock. Returns their JSON lines.
    A failure of any stops the others (all started here, by their pid)."""
    procs, errs = [], []
    deadline = time.monotonic() + args.timeout + 60
    try:
        for argv in argvs:
            errs.append(tempfile.TemporaryFile())
            procs.append(subprocess.Popen([args.rdkafka_load, role] + argv + ["--wait-go"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=errs[-1],
                                          preexec_fn=peers.client_preexec))
        for proc in procs:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, min(120.0, deadline - time.monotonic())))
            line = proc.stdout.readline() if ready else b""
            if line.strip() != b"ready":
                raise RuntimeError(f"rdkafka_load {role} against {name} did not get ready: {line!r}")
        for proc in procs:
            proc.stdin.write(b"go\n")
            proc.stdin.flush()
        lines = []
        for proc, argv, err in zip(procs, argvs, errs):
            out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))  # closes its stdin
            err.seek(0)
            stderr = err.read().decode(errors="replace")
            if proc.returncode != 0:
                raise RuntimeError(f"rdkafka_load {role} {' '.join(argv)} against {name} failed "
                                   f"({proc.returncode}): {out.decode(errors='replace')} {stderr[-2000:]}")
            lines.append(json.loads(out.decode().strip().splitlines()[-1]))
        return lines
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for err in errs:
            err.close()


def combined(rs, records, size):
    """One figure from the processes of one measurement: the span from the earliest start to the latest end
    (CLOCK_MONOTONIC readings of the processes themselves), and their CPU added up."""
    seconds = max(r["end_mono"] for r in rs) - min(r["start_mono"] for r in rs)
    return {"seconds": seconds, "records_per_s": records / seconds, "mb_per_s": records * size / seconds / 1e6,
            "client_cpu_s": sum(r["cpu_s"] for r in rs), "client_process_cpu_s": sum(r["process_cpu_s"] for r in rs),
            "clients": len(rs), "client_seconds": [r["seconds"] for r in rs],
            "start_spread_s": max(r["start_mono"] for r in rs) - min(r["start_mono"] for r in rs)}


def run_rdkafka(broker, args, topic, partitions):
    """rdkafka_load produce then consume on a new topic with --clients processes for each (see the module doc
    and rdkafka_load.c); the figures are the clients' own."""
    create_topic(broker.bootstrap, topic, partitions)
    n, records, size = args.clients, args.records, args.size
    common = ["-b", broker.bootstrap, "-t", topic, "-s", str(size), "--timeout", str(args.timeout)]
    out = {}

    # produce: client i writes values [i*R/n, (i+1)*R/n) with the default partitioner (all to partition 0
    # on a 1-partition topic)
    shares = [split(records, n, i) for i in range(n)]
    argvs = [common + ["-n", str(b - a), "--first-value", str(a), "-X", f"linger.ms={args.linger_ms}"]
             for a, b in shares]
    cpu0 = broker.cpu_seconds()
    rs = run_clients(broker.name, "produce", argvs, args)
    broker_cpu = broker.cpu_seconds() - cpu0
    for r, (a, b) in zip(rs, shares):
        if r["librdkafka"] != args.rdkafka_version or r["records"] != b - a or r["bytes"] != (b - a) * size or \
                r["first_value"] != a or r["partitions"] != partitions:
            raise RuntimeError(f"rdkafka_load produce against {broker.name}: unexpected {r}")
    last = [max(r["last_offsets"][p] for r in rs) for p in range(partitions)]
    if sum(o + 1 for o in last) != records:
        raise RuntimeError(f"rdkafka_load produce against {broker.name}: delivery reports end at offsets {last}, "
                           f"expected {records} records in all")
    offsets = checked_end_offsets(broker, topic, partitions, records)
    out["produce"] = {**combined(rs, records, size), "broker_cpu_s": broker_cpu, "delivery_last_offsets": last,
                      "list_offsets_end": offsets, "list_offsets_sum": sum(offsets)}

    # consume: disjoint shares, each client to its own end; the partitions' ends are the delivery reports'
    # (Tansu's ListOffsets is not the log end, see checked_end_offsets)
    ends = [o + 1 for o in last]
    verify = ["--verify", "--values", str(records), "--streams", str(n)]
    if n == 1:
        argvs = [common + ["-n", str(records)] + verify]  # every partition from the beginning to its EOF
    elif partitions == 1:
        argvs = [common + ["-n", str(b - a), "--partition", "0", "--start-offset", str(a), "--end-offset", str(b)]
                 + verify for a, b in shares]
    elif partitions % n == 0:  # whole partitions, each from the beginning to its EOF
        argvs = []
        for i in range(n):
            mine = range(*split(partitions, n, i))
            argvs.append(common + ["-n", str(sum(ends[p] for p in mine))] +
                         [x for p in mine for x in ("--partition", str(p))] + verify)
    else:  # the same share of every partition
        argvs = []
        for i in range(n):
            ranges = [(p,) + split(ends[p], n, i) for p in range(partitions)]
            ranges = [(p, a, b) for p, a, b in ranges if b > a]
            argvs.append(common + ["-n", str(sum(b - a for _, a, b in ranges))] +
                         [x for p, a, b in ranges for x in ("--range", f"{p}:{a}:{b}")] + verify)
    cpu0 = broker.cpu_seconds()
    rs = run_clients(broker.name, "consume", argvs, args)
    broker_cpu = broker.cpu_seconds() - cpu0
    total = sum(r["records"] for r in rs)
    value_sum = sum(r["value_sum"] for r in rs)
    sq_sum = sum(r["value_sq_sum"] for r in rs) % 2 ** 64
    if any(r["librdkafka"] != args.rdkafka_version or not r["verified"] or r["bytes"] != r["records"] * size
           for r in rs) or total != records or value_sum != records * (records - 1) // 2 or \
            sq_sum != (records - 1) * records * (2 * records - 1) // 6 % 2 ** 64:
        raise RuntimeError(f"rdkafka_load consume against {broker.name}: unexpected {rs}")
    stops = [max(r["stop_offsets"][p] for r in rs) for p in range(partitions)]
    if stops != ends:
        raise RuntimeError(f"rdkafka_load consume against {broker.name}: stopped at {stops}, the ends are {ends}")
    out["consume"] = {**combined(rs, records, size), "broker_cpu_s": broker_cpu,
                      "check": f"{total} records from {n} client(s), every value checked, each value once in all "
                               f"(sums), end offsets {sum(stops)}",
                      "stop_offsets": stops, "dropped_beyond_range": sum(r["dropped"] for r in rs)}
    return out


def run_raw(broker, args, topic, partitions):
    """rawload.py produce then consume: the broker's rates with a client that does no per-record work."""
    script = os.path.join(HERE, "rawload.py")
    common = [broker.bootstrap, topic, "--partitions", str(partitions), "--records", str(args.records),
              "--size", str(args.size)]
    create_topic(broker.bootstrap, topic, partitions)
    out = {}
    for role in ("produce", "consume"):
        cpu0 = broker.cpu_seconds()
        proc = subprocess.run([sys.executable, script, role] + common, capture_output=True, text=True,
                              timeout=args.timeout, preexec_fn=peers.client_preexec)
        broker_cpu = broker.cpu_seconds() - cpu0
        if proc.returncode != 0:
            raise RuntimeError(f"rawload {role} against {broker.name}: {proc.stdout} {proc.stderr[-2000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        out[role] = {"seconds": r["seconds"], "records_per_s": args.records / r["seconds"],
                     "mb_per_s": args.records * args.size / r["seconds"] / 1e6, "broker_cpu_s": broker_cpu}
        if role == "produce":
            offsets = checked_end_offsets(broker, topic, partitions, args.records)
            out[role].update({"list_offsets_end": offsets, "list_offsets_sum": sum(offsets)})
        else:
            out[role]["check"] = f"{r['records']} records to end offsets {sum(r['end_offsets'])}"
    return out


def run_e2e(broker, args, topic, acks="1", create=None):
    """e2e.py's consumer and producer against `broker` (anything with a name, a bootstrap and cpu_seconds());
    `create` makes the topic, a one-partition RF=1 topic by default."""
    (create or (lambda: create_topic(broker.bootstrap, topic, 1)))()
    script = os.path.join(HERE, "e2e.py")
    common = [broker.bootstrap, topic, "--rate", str(args.e2e_rate), "--seconds",
              str(args.e2e_warmup + args.e2e_seconds), "--warmup", str(args.e2e_warmup),
              "--linger-ms", str(args.e2e_linger_ms), "--acks", acks]
    consumer = subprocess.Popen([sys.executable, script, "consume"] + common, stdout=subprocess.PIPE, text=True,
                                preexec_fn=peers.client_preexec)
    try:
        if consumer.stdout.readline().strip() != "ready":
            raise RuntimeError("e2e consumer did not start")
        cpu0 = broker.cpu_seconds()
        producer = subprocess.run([sys.executable, script, "produce"] + common, capture_output=True, text=True,
                                  timeout=args.e2e_warmup + args.e2e_seconds + 180, preexec_fn=peers.client_preexec)
        broker_cpu = broker.cpu_seconds() - cpu0
        out, _ = consumer.communicate(timeout=180)
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.wait()
    if producer.returncode != 0:
        raise RuntimeError(f"e2e producer against {broker.name}: {producer.stdout} {producer.stderr[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["producer"] = json.loads(producer.stdout.strip().splitlines()[-1])
    result["broker_cpu_s"] = broker_cpu
    if consumer.returncode != 0 and (result.get("duplicates") or not result.get("measured")):
        raise RuntimeError(f"e2e consumer against {broker.name}: {result}")
    return result  # records still missing after the drain are reported, not hidden


def one_broker(name, binaries, rundir, env, path, args, rep, results):
    broker = (peers.gregor if name == "gregor" else peers.tansu)(binaries[name], rundir, f"r{rep}")
    try:
        broker.start()
        for index, partitions in enumerate(args.partitions):
            topic = f"bench-p{partitions}-r{rep}-{index}"
            if "rdkafka" in args.only:
                rd = run_rdkafka(broker, args, f"rdk-p{partitions}-r{rep}-{index}", partitions)
                for role in ("produce", "consume"):
                    results.append({"test": f"rdkafka {role} p{partitions}", "broker": name, "rep": rep, **rd[role]})
                    report(results[-1])
            if "kcat" in args.only:
                r = run_produce(broker, env, path, args, topic, partitions)
                results.append({"test": f"kcat produce p{partitions}", "broker": name, "rep": rep, **r})
                report(results[-1])
                r = run_consume(broker, env, path, args, topic, partitions)
                results.append({"test": f"kcat consume p{partitions}", "broker": name, "rep": rep, **r})
                report(results[-1])
            if "raw" in args.only:
                raw = run_raw(broker, args, f"raw-p{partitions}-r{rep}-{index}", partitions)
                for role in ("produce", "consume"):
                    results.append({"test": f"raw {role} p{partitions}", "broker": name, "rep": rep, **raw[role]})
                    report(results[-1])
        if "e2e" in args.only:
            r = run_e2e(broker, args, f"bench-e2e-r{rep}")
            results.append({"test": "e2e p1", "broker": name, "rep": rep, **r})
            report(results[-1])
    finally:
        broker.stop()


def report(r):
    if r["test"].startswith("e2e"):
        peers.log(f"  {r['broker']:6} {r['test']:14} rep {r['rep']}: p50 {r['p50']:.2f} p99 {r['p99']:.2f} "
                  f"p99.9 {r['p99.9']:.2f} max {r['max']:.2f} ms ({r['measured']} records, {r['missing']} missing, producer worst lag "
                  f"{r['producer']['worst_send_lag_ms']:.1f} ms, acks p50/p99 {r['producer'].get('ack_p50', 0):.2f}/"
                  f"{r['producer'].get('ack_p99', 0):.2f} ms, broker cpu {r['broker_cpu_s']:.1f} s)")
    else:
        extra = f", ListOffsets sum {r['list_offsets_sum']}" if "list_offsets_sum" in r else f", {r['check']}"
        client = f"client cpu {r['client_cpu_s']:.2f} s, " if "client_cpu_s" in r else ""
        if r.get("clients", 1) > 1:
            client = f"{r['clients']} clients, each {'/'.join(f'{x:.2f}' for x in r['client_seconds'])} s, " + client
        peers.log(f"  {r['broker']:6} {r['test']:21} rep {r['rep']}: {r['records_per_s']:>10,.0f} rec/s "
                  f"{r['mb_per_s']:6.1f} MB/s in {r['seconds']:.2f} s ({client}"
                  f"broker cpu {r['broker_cpu_s']:.2f} s{extra})")


def summarize(results, brokers):
    """Medians per test and broker, and the Gregor/Tansu ratio of each repetition's pair."""
    lines, summary = [], {}
    tests = list(dict.fromkeys(r["test"] for r in results))
    for test in tests:
        metric = "p99" if test.startswith("e2e") else "records_per_s"
        by = {b: {r["rep"]: r for r in results if r["test"] == test and r["broker"] == b} for b in brokers}
        entry = {"metric": metric}
        for b in brokers:
            values = [r[metric] for r in by[b].values()]
            entry[b] = statistics.median(values) if values else None
            if test.startswith("e2e") and values:
                for key in ("p50", "p90", "p99.9", "max"):
                    entry[f"{b} {key}"] = statistics.median(r[key] for r in by[b].values())
            elif values:
                entry[f"{b} broker_cpu_s"] = statistics.median(r["broker_cpu_s"] for r in by[b].values())
                if all("client_cpu_s" in r for r in by[b].values()):
                    entry[f"{b} client_cpu_s"] = statistics.median(r["client_cpu_s"] for r in by[b].values())
        if len(brokers) == 2:
            pairs = sorted(set(by[brokers[0]]) & set(by[brokers[1]]))
            entry["ratios"] = [by["gregor"][p][metric] / by["tansu"][p][metric] for p in pairs]
            entry["median_ratio"] = statistics.median(entry["ratios"]) if pairs else None
        summary[test] = entry
        if metric == "p99":
            cells = "  ".join(f"{b} p50/p99/p99.9/max {entry[b + ' p50']:.2f}/{entry[b]:.2f}/{entry[b + ' p99.9']:.2f}/"
                              f"{entry[b + ' max']:.2f} ms" for b in brokers if entry[b] is not None)
        else:
            cells = "  ".join(f"{b} {entry[b]:>10,.0f} rec/s (broker cpu {entry[b + ' broker_cpu_s']:.2f} s"
                              + (f", client {entry[b + ' client_cpu_s']:.2f} s)" if b + " client_cpu_s" in entry else ")")
                              for b in brokers if entry[b] is not None)
        ratio = ""
        if entry.get("ratios"):
            ratio = "  gregor/tansu per pair " + ", ".join(f"{x:.2f}" for x in entry["ratios"]) + \
                    f" (median {entry['median_ratio']:.2f})"
        lines.append(f"{test:21} {cells}{ratio}")
    return lines, summary


TARGETS = [("rdkafka produce p1", "median_ratio", ">=", 1.5, "produce, 1 partition, rdkafka_load: Gregor/Tansu rate"),
           ("kcat produce p1", "median_ratio", ">=", 1.5, "produce, 1 partition, kcat: Gregor/Tansu rate"),
           ("raw produce p1", "median_ratio", ">=", 1.5, "produce, 1 partition, rawload: Gregor/Tansu rate"),
           ("rdkafka consume p1", "median_ratio", ">=", 1.3, "consume, 1 partition, rdkafka_load: Gregor/Tansu rate"),
           ("kcat consume p1", "median_ratio", ">=", 1.3, "consume, 1 partition, kcat: Gregor/Tansu rate"),
           ("raw consume p1", "median_ratio", ">=", 1.3, "consume, 1 partition, rawload: Gregor/Tansu rate"),
           ("e2e p1", "gregor", "<=", 5.0, "end-to-end p99 at the fixed rate, Gregor (ms)")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=100, help="value size in bytes")
    parser.add_argument("--partitions", type=lambda s: [int(x) for x in s.split(",")], default=[1, 6])
    parser.add_argument("--linger-ms", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3, help="repetitions; the first broker alternates")
    parser.add_argument("--brokers", default="gregor,tansu")
    parser.add_argument("--only", default="rdkafka,kcat,raw,e2e", help="any of rdkafka,kcat,raw,e2e")
    parser.add_argument("--e2e-rate", type=int, default=10_000)
    parser.add_argument("--e2e-seconds", type=int, default=30, help="measured seconds, after the warm-up")
    parser.add_argument("--e2e-warmup", type=int, default=5)
    parser.add_argument("--e2e-linger-ms", type=int, default=0, help="the e2e producer's linger.ms")
    parser.add_argument("--gregor-rev", help="build this commit (via git archive) instead of the working tree")
    parser.add_argument("--gregor-bin", help="use this gregor binary instead of building the checkout")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed to each client run")
    parser.add_argument("--clients", type=int, default=1,
                        help="rdkafka_load processes per measurement, sharing the records (the same for all brokers)")
    parser.add_argument("--pin", action="store_true",
                        help="run every broker on CPU 0 and every client on the other CPUs (the same for all brokers)")
    args = parser.parse_args()
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            parser.error("--pin needs at least 2 CPUs")
        peers.BROKER_CPUS, peers.CLIENT_CPUS = {cpus[0]}, set(cpus[1:])
    if args.clients < 1 or args.clients > args.records:
        parser.error("--clients must be between 1 and --records")
    args.only = set(args.only.split(","))
    if args.only & {"produce", "consume"}:  # the names of the kcat rows before rdkafka_load existed
        args.only = (args.only - {"produce", "consume"}) | {"kcat"}
    if args.only - {"rdkafka", "kcat", "raw", "e2e"}:
        parser.error(f"--only: unknown {sorted(args.only - {'rdkafka', 'kcat', 'raw', 'e2e'})}")
    brokers = args.brokers.split(",")
    ensure_client_libraries()
    if args.gregor_rev:
        args.gregor_rev = peers.resolve(args.gregor_rev)

    binaries = {}
    if "gregor" in brokers:
        binaries["gregor"] = args.gregor_bin or peers.build_gregor(args.gregor_rev)
    if "tansu" in brokers:
        binaries["tansu"] = peers.fetch_tansu()
    env = dict(os.environ, LD_LIBRARY_PATH=peers.wheel_librdkafka())
    args.rdkafka_load, args.rdkafka_version = peers.build_rdkafka_load() if "rdkafka" in args.only else (None, None)
    kcat_version = subprocess.run(["kcat", "-V"], env=env, capture_output=True, text=True).stdout
    kcat_version = next((line.strip() for line in kcat_version.splitlines() if line.startswith("Version")), "?")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the brokers are stopped on the way out
    path = data_file(args.records, args.size) if "kcat" in args.only else None
    try:
        measure(args, brokers, binaries, env, path, kcat_version)
    finally:
        if path:
            os.unlink(path)


def measure(args, brokers, binaries, env, path, kcat_version):
    """Every repetition on fresh brokers, alternating which goes first; then the summary."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    rundir = os.path.join(peers.CACHE, "runs", stamp)
    os.makedirs(rundir)
    conditions = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "host": platform.node(),
                  "cpus": os.cpu_count(), "load_at_start": os.getloadavg(), "kernel": platform.release(),
                  "gregor": args.gregor_bin or peers.checkout_description(args.gregor_rev),
                  "tansu": peers.TANSU_VERSION, "kcat": kcat_version, "rdkafka_load_librdkafka": args.rdkafka_version,
                  "records": args.records, "size": args.size,
                  "linger_ms": args.linger_ms, "reps": args.reps, "rdkafka_clients": args.clients, "e2e_rate": args.e2e_rate,
                  "e2e_linger_ms": args.e2e_linger_ms, "e2e_seconds": args.e2e_seconds, "e2e_warmup": args.e2e_warmup,
                  "pinning": {"broker_cpus": sorted(peers.BROKER_CPUS), "client_cpus": sorted(peers.CLIENT_CPUS)}
                  if args.pin else None}
    peers.log(f"conditions: {json.dumps(conditions)}")
    results = []
    for rep in range(args.reps):
        order = brokers if rep % 2 == 0 else brokers[::-1]
        for name in order:
            one_broker(name, binaries, rundir, env, path, args, rep, results)
    conditions["load_at_end"] = os.getloadavg()
    lines, summary = summarize(results, brokers)
    print(f"\nmedians of {args.reps} runs ({conditions['date']}, {conditions['cpus']} cpus, "
          f"{args.clients} rdkafka_load client(s), {'pinned' if args.pin else 'not pinned'}, "
          f"load {conditions['load_at_start'][0]:.1f} at start, {conditions['load_at_end'][0]:.1f} at end):")
    for line in lines:
        print("  " + line)
    print("targets:")
    for test, key, op, bound, label in TARGETS:
        value = summary.get(test, {}).get(key)
        if value is not None:
            met = value >= bound if op == ">=" else value <= bound
            print(f"  {label}: {value:.2f} (target {op} {bound}) {'met' if met else 'NOT met'}")
    with open(os.path.join(rundir, "results.json"), "w") as f:
        json.dump({"conditions": conditions, "runs": results, "summary": summary}, f, indent=1)
    print(f"figures: {os.path.relpath(os.path.join(rundir, 'results.json'), peers.REPO)}")


if __name__ == "__main__":
    main()
