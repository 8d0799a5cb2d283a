#!/usr/bin/env python3
"""How long a consumer group join takes: a single librdkafka consumer (confluent-kafka, librdkafka's
defaults) subscribes to a topic in a fresh group; the time runs from subscribe() to its assignment
callback. Kafka's group.initial.rebalance.delay.ms (3 s, also Gregor's default) is most of it.

    python3 Benchmarks/peer/group_join.py                       # Gregor (release build of the checkout) and Tansu
    python3 Benchmarks/peer/group_join.py --brokers gregor --gregor-bin .build/release/gregor --groups 10

The first group of each broker also pays for the creation of __consumer_offsets; it is reported apart.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402
import peers  # noqa: E402


def join_time(bootstrap, group, topic, timeout=30):
    """Seconds from subscribe() to the first assignment of a new consumer in `group`."""
    import confluent_kafka as ck
    assigned = []
    consumer = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest"})
    started = time.perf_counter()
    consumer.subscribe([topic], on_assign=lambda c, partitions: assigned.append(time.perf_counter()))
    deadline = started + timeout
    while not assigned and time.perf_counter() < deadline:
        consumer.poll(0.05)
    consumer.close()
    if not assigned:
        raise RuntimeError(f"{group} was not assigned within {timeout} s")
    return assigned[0] - started


def measure(broker, groups):
    compare.create_topic(broker.bootstrap, "join-test", 6)
    times = [join_time(broker.bootstrap, f"join-{i}", "join-test") for i in range(groups + 1)]
    return {"first_group_s": times[0], "joins_s": times[1:], "median_s": statistics.median(times[1:])}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brokers", default="gregor,tansu")
    parser.add_argument("--groups", type=int, default=5, help="measured joins per broker (after the first)")
    parser.add_argument("--gregor-bin", help="use this gregor binary instead of building the checkout")
    parser.add_argument("--gregor-rev", help="build this commit instead of the working tree")
    args = parser.parse_args()
    compare.ensure_client_libraries()
    rundir = tempfile.mkdtemp(prefix="group-join-", dir=peers._cache_dir())
    results = {}
    for name in args.brokers.split(","):
        if name == "gregor":
            binary = args.gregor_bin or peers.build_gregor(peers.resolve(args.gregor_rev) if args.gregor_rev else None)
            broker = peers.gregor(binary, rundir, "join")
        else:
            broker = peers.tansu(peers.fetch_tansu(), rundir, "join")
        broker.start()
        try:
            results[name] = measure(broker, args.groups)
        finally:
            broker.stop()
        r = results[name]
        print(f"{name:7} first group {r['first_group_s']:.2f} s (creates __consumer_offsets); "
              f"joins {', '.join(f'{t:.2f}' for t in r['joins_s'])} s; median {r['median_s']:.2f} s")
    with open(os.path.join(rundir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    if "gregor" in results:
        median = results["gregor"]["median_s"]
        print(f"target: a group join with librdkafka's defaults <= 3.5 s: Gregor {median:.2f} s, "
              f"{'met' if median <= 3.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
