"""End-to-end latency at a fixed rate, corrected for coordinated omission.

    e2e.py produce BOOTSTRAP TOPIC --rate 10000 --seconds 35
    e2e.py consume BOOTSTRAP TOPIC --rate 10000 --seconds 35 --warmup 5

The producer (confluent-kafka, acks=1 and linger.ms=0 unless told otherwise, partition 0) sends record i at its intended time
start + i/rate, and writes into each 100-byte value its sequence number and that intended time on
CLOCK_MONOTONIC (one clock for every process on this machine). When the producer falls behind it catches
up in a burst, but the records keep their intended times, so a stall anywhere (client, broker, machine)
shows in the latency instead of being hidden by a slower send rate.

The consumer (assign at the partition's end, no group) takes latency = time the record is handed to the
application - intended send time, for the records after the warm-up, and prints one JSON line with the
percentiles, the count, and any records missing or duplicated. The producer prints the same percentiles
for its delivery reports (intended send time to the broker's acknowledgement), which tells a slow produce
path from a slow fetch path.
"""

import argparse
import json
import sys
import time

from confluent_kafka import OFFSET_END, Consumer, KafkaException, Producer, TopicPartition

HEADER = 32  # "%010d %020d " : sequence number and intended send time in ns


def clock_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def produce(args):
    errors = []
    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": args.acks, "linger.ms": args.linger_ms,
                         "enable.idempotence": False, "queue.buffering.max.messages": 1_000_000})
    producer.list_topics(args.topic, timeout=10)  # connect before the clock starts
    total = args.rate * args.seconds
    filler = b"x" * (args.size - HEADER)
    interval = 1e9 / args.rate
    start = clock_ns() + 100_000_000
    sent, worst_lag, acks = 0, 0, []
    first_measured = args.rate * args.warmup

    def delivered(err, msg):
        if err is not None:
            errors.append(str(err))
            return
        value = msg.value()
        if int(value[0:10]) >= first_measured:
            acks.append(clock_ns() - int(value[11:31]))

    while sent < total:
        now = clock_ns()
        due = min(total, int((now - start) / interval) + 1) if now >= start else 0
        if due > sent:
            worst_lag = max(worst_lag, now - int(start + sent * interval))
        while sent < due:
            intended = int(start + sent * interval)
            producer.produce(args.topic, b"%010d %020d " % (sent, intended) + filler, partition=0, on_delivery=delivered)
            sent += 1
        producer.poll(0)
        pause = (start + sent * interval - clock_ns()) / 1e9
        if pause > 0:
            time.sleep(pause)
    remaining = producer.flush(args.drain)
    acks.sort()
    result = {"sent": sent, "undelivered": remaining, "errors": len(errors), "first_error": errors[:1],
              "worst_send_lag_ms": worst_lag / 1e6}
    if acks:  # time from intended send to the producer's delivery report (the broker's acks=1 answer)
        result.update({"ack_p50": percentile(acks, 0.5) / 1e6, "ack_p99": percentile(acks, 0.99) / 1e6,
                       "ack_max": acks[-1] / 1e6})
    print(json.dumps(result), flush=True)
    return 0 if remaining == 0 and not errors else 1


def percentile(sorted_values, q):
    """Nearest rank: the smallest value with at least q of the samples at or below it."""
    rank = max(1, -(-len(sorted_values) * q // 1))
    return sorted_values[int(rank) - 1]


def consume(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "gregor-peer-e2e",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    consumer.assign([TopicPartition(args.topic, 0, OFFSET_END)])
    consumer.consume(num_messages=1, timeout=1.0)  # resolves the end offset before the producer starts
    print("ready", flush=True)
    total = args.rate * args.seconds
    first_measured = args.rate * args.warmup
    seen = bytearray(total)
    latencies, duplicates, received, first_seq = [], 0, 0, None
    deadline = time.monotonic() + args.seconds + args.drain
    while time.monotonic() < deadline and not seen[total - 1]:
        # poll() returns as soon as one record is there; consume(..., timeout=0) then takes what else is
        # already queued. (consume(n, timeout) would wait for n records or the whole timeout.)
        first = consumer.poll(timeout=0.1)
        now = clock_ns()
        if first is None:
            continue
        messages = [first] + consumer.consume(num_messages=10_000, timeout=0)
        for message in messages:
            if message.error():
                raise KafkaException(message.error())
            value = message.value()
            seq, intended = int(value[0:10]), int(value[11:31])
            if first_seq is None:
                first_seq = seq
            if seen[seq]:
                duplicates += 1
                continue
            seen[seq] = 1
            received += 1
            if seq >= first_measured:
                latencies.append(now - intended)
    consumer.close()
    latencies.sort()
    missing = (total - first_measured) - len(latencies)
    result = {"measured": len(latencies), "missing": missing, "duplicates": duplicates, "received": received,
              "first_seq": first_seq}
    if latencies:
        for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999)):
            result[name] = percentile(latencies, q) / 1e6
        result["max"] = latencies[-1] / 1e6
    print(json.dumps(result), flush=True)
    return 0 if missing == 0 and duplicates == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", choices=["produce", "consume"])
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--rate", type=int, default=10_000, help="records per second")
    parser.add_argument("--seconds", type=int, default=35, help="how long the producer sends, warm-up included")
    parser.add_argument("--warmup", type=int, default=5, help="seconds at the start left out of the figures")
    parser.add_argument("--size", type=int, default=100, help="value size in bytes (at least 32)")
    parser.add_argument("--linger-ms", type=int, default=0, help="producer linger.ms (0: send at once)")
    parser.add_argument("--acks", default="1", help="producer acks (1, or all for a replicated topic)")
    parser.add_argument("--drain", type=int, default=90,
                        help="seconds the producer waits for its last acknowledgements, and the consumer for the last records")
    args = parser.parse_args()
    return produce(args) if args.role == "produce" else consume(args)


if __name__ == "__main__":
    sys.exit(main())
