#!/usr/bin/env python3
"""Every benchmark of docs/benchmarks.md's first section in one go, and that section rewritten from the figures.

    python3 Benchmarks/peer/bench_all.py                  # the full run: about 45 minutes on 2 cores
    python3 Benchmarks/peer/bench_all.py --quick          # a smoke run in a few minutes (figures not kept)

Three systems, measured in the same run on this machine:
  gregor-1   one Gregor broker (release build of this checkout, data on disk)
  tansu      Tansu (the pinned binary of Benchmarks/peer/peers.py, memory storage), the peer
  gregor-3   a three-broker Gregor cluster (`gregor cluster up`), topics with replication factor 3 and
             min.insync.replicas=2

With the same client, `gregor bench` (Kafka APIs only), in the scenarios of Jay Kreps's 2014 Kafka benchmark:
100-byte records, 1,000,000 per run (--records), 6 partitions: one producer with acks=1 and with acks=all,
three producers, one and three consumers, and end-to-end latency at 10,000 records/s. Besides those: one
partition produce and consume (the targets' figures), one-record requests (linger.ms=0, batch.size=1:
every request carries one record), and kcat (librdkafka, a client neither project wrote) producing and
consuming one partition, on gregor-1 and tansu.

On gregor-3 alone: a failover run (e2e under kills, a rolling restart and an isolation, its chart in
docs/img/failover.svg) and --chaos-runs seeded `gregor bench chaos` runs, each verified.

Every produce and e2e run of gregor bench reads its records back (--verify) and counts lost, duplicated and
reordered acknowledged records. Throughput rows take the median of --reps repetitions, alternating which
system goes first. Everything runs on 127.0.0.1; every load is bounded in records and time. The figures go
to .interop/peers/runs/<time>/bench_all.json, and (unless --quick or --no-write) docs/benchmarks.md's
section between the BEGIN/END markers is replaced with them.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import peers  # noqa: E402
import replication  # noqa: E402

DOC = os.path.join(peers.REPO, "docs", "benchmarks.md")
CHART = os.path.join(peers.REPO, "docs", "img", "failover.svg")
BEGIN = "<!-- BEGIN bench_all.py: generated, do not edit by hand -->"
END = "<!-- END bench_all.py -->"
SYSTEMS = ["gregor-1", "tansu", "gregor-3"]

# name, which systems, gregor bench arguments (without topic and bootstrap); {partitions}/{rf} filled per system.
SCENARIOS = [
    ("produce p1", SYSTEMS, ["produce", "--partitions", "1", "--acks", "1"]),
    ("consume p1", SYSTEMS, ["consume", "--from", "beginning"]),
    ("one-record requests", SYSTEMS, ["produce", "--partitions", "1", "--acks", "1", "--linger-ms", "0", "--batch-size", "1"]),
    ("2014: 1 producer, acks=1", SYSTEMS, ["produce", "--partitions", "6", "--acks", "1"]),
    ("2014: 1 producer, acks=all", SYSTEMS, ["produce", "--partitions", "6", "--acks", "all"]),
    ("2014: 3 producers, acks=1", SYSTEMS, ["produce", "--partitions", "6", "--acks", "1", "--producers", "3"]),
    ("2014: 1 consumer", SYSTEMS, ["consume", "--from", "beginning"]),
    ("2014: 3 consumers", SYSTEMS, ["consume", "--from", "beginning", "--consumers", "3"]),
]
# Each consume row reads the topic the produce row before it wrote.
CONSUMES = {"consume p1": "produce p1", "2014: 1 consumer": "2014: 3 producers, acks=1",
            "2014: 3 consumers": "2014: 3 producers, acks=1"}

TARGETS = [
    ("produce p1", "ratio", 1.5, "produce, 1 partition: gregor-1 / tansu records/s"),
    ("consume p1", "ratio", 1.3, "consume, 1 partition: gregor-1 / tansu records/s"),
    ("one-record requests", "ratio", 5.0, "one-record requests: gregor-1 / tansu requests/s"),
    ("e2e gregor-1", "p99", 5.0, "e2e p99 at 10,000 records/s, gregor-1 (ms)"),
    ("e2e gregor-3", "p99", 10.0, "e2e p99 at 10,000 records/s, gregor-3 acks=all (ms)"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="records per throughput run")
    parser.add_argument("--one-record-requests", type=int, default=50_000, help="records in the one-record-request run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--e2e-seconds", type=int, default=30)
    parser.add_argument("--chaos-runs", type=int, default=100)
    parser.add_argument("--chaos-seconds", type=int, default=12)
    parser.add_argument("--failover-seconds", type=int, default=45)
    parser.add_argument("--gregor-rev", help="build this commit (git archive) instead of the working tree")
    parser.add_argument("--gregor-bin", help="use this gregor binary instead of building")
    parser.add_argument("--quick", action="store_true", help="small runs to check the script; docs are not written")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--chaos-only", metavar="RUNDIR",
                        help="keep every figure of that earlier run's bench_all.json and run the chaos runs again")
    args = parser.parse_args()
    if args.quick:
        args.records, args.one_record_requests, args.reps = 50_000, 2_000, 1
        args.e2e_seconds, args.chaos_runs, args.chaos_seconds, args.failover_seconds = 5, 2, 10, 20
        args.no_write = True
    compare.ensure_client_libraries()
    if args.gregor_rev:
        args.gregor_rev = peers.resolve(args.gregor_rev)
    gregor = args.gregor_bin or peers.build_gregor(args.gregor_rev)
    tansu = peers.fetch_tansu()
    env = dict(os.environ, LD_LIBRARY_PATH=peers.wheel_librdkafka())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the brokers are stopped on the way out
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    rundir = os.path.join(peers.CACHE, "runs", "all-" + stamp)
    os.makedirs(rundir)
    started = datetime.datetime.now(datetime.timezone.utc)
    conditions = {
        "started": started.isoformat(timespec="seconds"), "host": platform.node(), "cpus": os.cpu_count(),
        "kernel": platform.release(), "load_at_start": os.getloadavg(),
        "gregor": (f"binary {args.gregor_bin}" if args.gregor_bin
                   else f"{peers.checkout_description(args.gregor_rev)}, release build"), "tansu": peers.TANSU_VERSION,
        "command": "python3 Benchmarks/peer/bench_all.py " + " ".join(sys.argv[1:]),
        "records": args.records, "reps": args.reps, "e2e_seconds": args.e2e_seconds,
    }
    peers.log(f"conditions: {json.dumps(conditions)}")
    runner = Runner(gregor, tansu, env, rundir, args)
    if args.chaos_only:
        with open(os.path.join(args.chaos_only, "bench_all.json")) as f:
            results = json.load(f)
        results["chaos_conditions"] = conditions
        conditions = results["conditions"]
    else:
        results = {"conditions": conditions}
        results["throughput"] = runner.throughput()
        results["kcat"] = runner.kcat()
        results["e2e"] = runner.e2e()
        results["failover"] = runner.failover()
    results["chaos"] = runner.chaos()
    finished = results.get("chaos_conditions", conditions)
    finished["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    finished["load_at_end"] = os.getloadavg()
    with open(os.path.join(rundir, "bench_all.json"), "w") as f:
        json.dump(results, f, indent=1)
    section = render(results)
    print(section)
    if not args.no_write:
        os.makedirs(os.path.dirname(CHART), exist_ok=True)
        shutil.copy(results["failover"]["svg"], CHART)
        rewrite(section)
        peers.log(f"rewrote the generated section of {os.path.relpath(DOC, peers.REPO)}")
    peers.log(f"figures: {os.path.relpath(os.path.join(rundir, 'bench_all.json'), peers.REPO)}")


class Runner:
    """Starts each system fresh for each measurement and runs gregor bench (or kcat) against it."""

    def __init__(self, gregor, tansu, env, rundir, args):
        self.gregor, self.tansu, self.env, self.rundir, self.args = gregor, tansu, env, rundir, args
        self.count = 0

    def system(self, name):
        """A started system: a peers.Broker or a replication.Cluster (stop with `stop`)."""
        self.count += 1
        label = f"{name}-{self.count}"
        if name == "gregor-1":
            return peers.gregor(self.gregor, self.rundir, label).start()
        if name == "tansu":
            return peers.tansu(self.tansu, self.rundir, label).start()
        cluster = replication.Cluster(self.gregor, os.path.join(self.rundir, label), 3, [])
        return cluster.up()

    @staticmethod
    def stop(system):
        (system.down if isinstance(system, replication.Cluster) else system.stop)()

    def bench(self, system, name, argv, label, timeout=900):
        """Runs `gregor bench ARGV --json` and returns its report."""
        report = os.path.join(self.rundir, f"{label}.json")
        command = [self.gregor, "bench", *argv, "--bootstrap", system.bootstrap, "--json", report, "--quiet"]
        if name == "gregor-3" and argv[0] in ("produce", "e2e"):
            command += ["--replication-factor", "3", "--config", "min.insync.replicas=2"]
        peers.log(f"{name}: gregor bench {' '.join(argv)}")
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              preexec_fn=peers.client_preexec)
        with open(os.path.join(self.rundir, f"{label}.out"), "w") as f:
            f.write(proc.stdout + proc.stderr)
        if not os.path.exists(report):
            raise RuntimeError(f"gregor bench {' '.join(argv)} on {name} wrote no report (exit {proc.returncode}): {proc.stderr[-2000:]}")
        with open(report) as f:
            data = json.load(f)
        data["exit"] = proc.returncode
        return data

    def throughput(self):
        """Every SCENARIOS row, --reps times per system, each repetition on fresh systems."""
        rows = {name: {system: [] for system in systems} for name, systems, _ in SCENARIOS}
        for rep in range(self.args.reps):
            order = SYSTEMS if rep % 2 == 0 else SYSTEMS[::-1]
            for name in order:
                system = self.system(name)
                try:
                    for scenario, systems, argv in SCENARIOS:
                        if name not in systems:
                            continue
                        topic = "t-" + slug(CONSUMES.get(scenario, scenario))
                        records = self.args.one_record_requests if scenario == "one-record requests" else self.args.records
                        extra = ["--records", str(records)] + (["--verify"] if argv[0] == "produce" else [])
                        label = f"{name}-{rep}-{slug(scenario)}"
                        report = self.bench(system, name, [*argv, "--topic", topic, *extra], label)
                        rows[scenario][name].append(summary(report))
                finally:
                    self.stop(system)
        return rows

    def kcat(self):
        """kcat produce and consume of one partition on gregor-1 and tansu (compare.py's kcat rows)."""
        options = argparse.Namespace(records=self.args.records, size=100, linger_ms=5, timeout=600)
        path = compare.data_file(options.records, options.size)
        rows = {"kcat produce p1": {"gregor-1": [], "tansu": []}, "kcat consume p1": {"gregor-1": [], "tansu": []}}
        try:
            for rep in range(self.args.reps):
                for name in (["gregor-1", "tansu"] if rep % 2 == 0 else ["tansu", "gregor-1"]):
                    system = self.system(name)
                    try:
                        peers.log(f"{name}: kcat produce and consume, 1 partition")
                        produced = compare.run_produce(system, self.env, path, options, "kcat-p1", 1)
                        consumed = compare.run_consume(system, self.env, path, options, "kcat-p1", 1)
                        rows["kcat produce p1"][name].append({"records_per_s": produced["records_per_s"]})
                        rows["kcat consume p1"][name].append({"records_per_s": consumed["records_per_s"]})
                    finally:
                        self.stop(system)
        finally:
            os.unlink(path)
        return rows

    def e2e(self):
        """End-to-end latency at 10,000 records/s on 6 partitions: acks=1 on gregor-1 and tansu, acks=all on gregor-3."""
        rows = {}
        for name in SYSTEMS:
            system = self.system(name)
            try:
                acks = "all" if name == "gregor-3" else "1"
                argv = ["e2e", "--topic", "e2e", "--partitions", "6", "--rate", "10000", "--acks", acks,
                        "--duration", f"{self.args.e2e_seconds}s", "--warmup", "5s", "--verify"]
                rows[name] = summary(self.bench(system, name, argv, f"{name}-e2e"))
            finally:
                self.stop(system)
        return rows

    def failover(self):
        """e2e on gregor-3 while the leader of partition 0 is killed, every broker restarted, and a leader isolated."""
        system = self.system("gregor-3")
        seconds = self.args.failover_seconds
        schedule = (f"{seconds * 2 // 9}s kill leader(failover,0); {seconds * 4 // 9}s restart all; "
                    f"{seconds * 5 // 9}s isolate leader(failover,1); {seconds * 8 // 9}s heal")
        try:
            argv = ["e2e", "--topic", "failover", "--partitions", "6", "--rate", "5000", "--acks", "all",
                    "--duration", f"{seconds}s", "--faults", schedule, "--dir", system.dir, "--verify", "--svg",
                    os.path.join(self.rundir, "failover.svg")]
            report = self.bench(system, "gregor-3", argv, "failover")
        finally:
            self.stop(system)
        return {**summary(report), "schedule": schedule, "faults": report.get("faults", []),
                "unavailability": (report.get("verification") or {}).get("unavailability", []),
                "svg": os.path.join(self.rundir, "failover.svg")}

    def chaos(self):
        """--chaos-runs seeded chaos runs (seeds 1..N) on one gregor-3 cluster, each on its own topic."""
        runs = []
        system = self.system("gregor-3")
        try:
            for seed in range(1, self.args.chaos_runs + 1):
                argv = ["chaos", "--seed", str(seed), "--duration", f"{self.args.chaos_seconds}s", "--topic", f"chaos-{seed}",
                        "--dir", system.dir]
                try:
                    report = self.bench(system, "gregor-3", argv, f"chaos-{seed}")
                except RuntimeError as error:  # a run that could not even start counts as failed; go on
                    runs.append({"seed": seed, "exit": -1, "error": str(error)[-500:]})
                    peers.log(f"chaos seed {seed} failed: {error}")
                    continue
                verification = report.get("verification") or {}
                runs.append({"seed": seed, "exit": report["exit"], "schedule": report["settings"].get("faults", ""),
                             **{key: verification.get(key) for key in ("acknowledged", "lost", "duplicated", "reordered", "violated")}})
                peers.log(f"chaos seed {seed}: {runs[-1]}")
        finally:
            self.stop(system)
        return runs


def slug(text):
    """A scenario's name as a topic or file name: `2014: 1 producer, acks=1` → `2014--1-producer--acks-1`."""
    return text.translate(str.maketrans(" :,=", "----"))


def summary(report):
    """The figures a row needs from a gregor bench report."""
    lane = report.get("consumed") if report["kind"] == "consume" else report.get("produced")
    verification = report.get("verification") or {}
    latency = (report.get("consumed") if report["kind"] == "e2e" else lane or {}).get("latency") or {}
    return {"records_per_s": lane["records"] / lane["seconds"] if lane and lane["seconds"] else 0,
            "mb_per_s": lane["bytes"] / lane["seconds"] / 1e6 if lane and lane["seconds"] else 0,
            "errors": lane.get("errors", 0) if lane else 0, "p50": latency.get("p50"), "p99": latency.get("p99"),
            "lost": verification.get("lost"), "duplicated": verification.get("duplicated"), "exit": report.get("exit")}


def median(values):
    return statistics.median(values) if values else None


def render(results):
    """The generated section of docs/benchmarks.md, in Markdown."""
    c = results["conditions"]
    out = [BEGIN, "", "## The whole picture: Gregor, three Gregor brokers and Tansu in one run", "",
           f"Run of {c['started']} to {c['finished']} on `{c['host']}`: {c['cpus']} CPUs, Linux {c['kernel']}, load "
           f"{c['load_at_start'][0]:.2f} at the start and {c['load_at_end'][0]:.2f} at the end. Gregor {c['gregor']}; "
           f"{c['tansu']} with its memory storage. Regenerate this section with:", "",
           "```sh", c["command"], "```", "",
           "`gregor-1` is one Gregor broker, `gregor-3` three (`gregor cluster up`, topics with replication factor 3 and "
           "`min.insync.replicas=2`), `tansu` the peer. Unless a row says otherwise: `gregor bench` as the client, "
           f"{c['records']:,} records of 100 bytes per run, linger.ms 5, the median of {c['reps']} run(s), each on fresh "
           "brokers, alternating which system goes first. Records/s count from the first send to the last "
           "acknowledgement (or record read). Every produce run read its records back: the last column counts "
           "acknowledged records that were lost or duplicated. See Benchmarks/peer/bench_all.py for each command.", ""]
    out += ["| scenario | gregor-1 | tansu | gregor-3 | gregor-1 / tansu | lost, duplicated: gregor-1 · tansu · gregor-3 |",
            "|---|---:|---:|---:|---:|---|"]
    ratios = {}
    for table in (results["throughput"], results["kcat"]):
        for scenario, by_system in table.items():
            medians = {s: median([r["records_per_s"] for r in runs]) for s, runs in by_system.items()}
            ratio = medians["gregor-1"] / medians["tansu"] if medians.get("gregor-1") and medians.get("tansu") else None
            ratios[scenario] = ratio
            cells = [f"{medians[s]:,.0f}/s" if medians.get(s) else "–" for s in SYSTEMS]
            out.append(f"| {scenario} | {' | '.join(cells)} | {f'{ratio:.2f}×' if ratio else '–'} | {losses(by_system)} |")
    out += ["", "kcat rows: kcat over confluent-kafka's librdkafka, `-P` from a file of 100-byte lines and `-C -e` to "
            "the end, timed as whole processes (compare.py's method). `one-record requests`: linger.ms 0 and batch.size 1, "
            "so records/s is requests/s. The 2014 rows follow Kreps's \"Benchmarking Apache Kafka\" (6 partitions; "
            "gregor-3 adds replication to all of them).", ""]
    out += ["### End-to-end latency at 10,000 records/s", "",
            "6 partitions; from each record's intended send time to its arrival at the consumer (coordinated omission "
            f"corrected); {c['e2e_seconds']} s after a 5 s warm-up; acks=1 on gregor-1 and tansu, acks=all on gregor-3.", "",
            "| system | p50 ms | p99 ms | lost, duplicated |", "|---|---:|---:|---|"]
    for name, row in results["e2e"].items():
        out.append(f"| {name} | {fmt(row['p50'])} | {fmt(row['p99'])} | {row.get('lost')}, {row.get('duplicated')} |")
    f = results["failover"]
    out += ["", "### Failover", "", f"`gregor bench e2e` on gregor-3 at 5,000 records/s with acks=all and the schedule "
            f"`{f['schedule']}`: {f.get('lost')} lost, {f.get('duplicated')} duplicated.", "",
            "![throughput and latency through the faults](img/failover.svg)", ""]
    for window in f["unavailability"]:
        out.append(f"- {window['endMs'] - window['startMs']} ms without an acknowledgement from {window['startMs']} ms"
                   + (f", after {', '.join(e.get('action', '') for e in window.get('faults', []))}" if window.get("faults") else ""))
    chaos = results["chaos"]
    again = results.get("chaos_conditions")
    lost = sum(r.get("lost") or 0 for r in chaos)
    failed = [r["seed"] for r in chaos if r["exit"] != 0 or r.get("violated")]
    out += ["", "### Chaos", ""]
    if again:
        out += [f"Run again on their own from {again['started']} (Gregor {again['gregor']}) with `{again['command']}`.", ""]
    out += [f"{len(chaos)} runs of `gregor bench chaos --seed S` (seeds 1 to {len(chaos)}), each on its "
            f"own topic of one gregor-3 cluster: {sum(r.get('acknowledged') or 0 for r in chaos):,} acknowledged records, "
            f"{lost} lost, {sum(r.get('duplicated') or 0 for r in chaos)} duplicated; "
            + (f"runs that failed: seeds {failed}." if failed else "every run verified clean."), ""]
    for r in chaos:
        if r.get("error"):
            out.append(f"- seed {r['seed']} did not run: {r['error'].splitlines()[-1] if r['error'] else ''}")
    out += ["### Targets", "", "| target | figure | met |", "|---|---:|---|"]
    figures = dict(ratios)
    figures["e2e gregor-1"] = results["e2e"].get("gregor-1", {}).get("p99")
    figures["e2e gregor-3"] = results["e2e"].get("gregor-3", {}).get("p99")
    for key, kind, bound, label in TARGETS:
        value = figures.get(key)
        met = value is not None and (value >= bound if kind == "ratio" else value <= bound)
        out.append(f"| {label}: {'≥' if kind == 'ratio' else '≤'} {bound:g} | {fmt(value)} | {'yes' if met else 'no'} |")
    total = lost_everywhere(results)
    out.append(f"| zero lost acknowledged records in every Gregor run | {total} lost | {'yes' if total == 0 else 'no'} |")
    out.append(f"| {len(chaos)} seeded chaos runs, zero loss | {lost} lost, {len(failed)} failed | {'yes' if lost == 0 and not failed else 'no'} |")
    out += ["", END]
    return "\n".join(out)


def losses(by_system):
    """Lost and duplicated records summed over a row's runs, per system; `not read back` for consume rows."""
    cells = []
    for name in SYSTEMS:
        runs = [r for r in by_system.get(name, []) if r.get("lost") is not None]
        cells.append(f"{sum(r['lost'] for r in runs)}, {sum(r.get('duplicated') or 0 for r in runs)}" if runs else "–")
    return "not read back" if all(cell == "–" for cell in cells) else " · ".join(cells)


def lost_everywhere(results):
    """Acknowledged records Gregor lost in its verified runs: throughput, e2e, failover and chaos."""
    runs = [r for rows in results["throughput"].values() for name, by_system in rows.items() if name != "tansu" for r in by_system]
    runs += [row for name, row in results["e2e"].items() if name != "tansu"] + [results["failover"]] + results["chaos"]
    return sum(r.get("lost") or 0 for r in runs)


def fmt(value):
    return "–" if value is None else f"{value:.2f}"


def rewrite(section):
    """Replaces the generated section of docs/benchmarks.md (or puts it after the title), and copies the chart."""
    with open(DOC) as f:
        text = f.read()
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{section}\n{rest}"
    with open(DOC, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
