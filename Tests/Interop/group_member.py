"""A confluent-kafka group member run as a child process by groups.ChildMember: subscribes, polls forever,
and prints its assignment as a JSON line after every change. Dies with its parent (PR_SET_PDEATHSIG)."""

import ctypes
import json
import signal
import sys

from confluent_kafka import Consumer

PR_SET_PDEATHSIG = 1


def main():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    spec = json.loads(sys.argv[1])
    assigned = set()

    def report(kind):
        print(json.dumps({"event": kind, "assigned": sorted(assigned)}), flush=True)

    def on_assign(consumer, partitions):
        assigned.update((p.topic, p.partition) for p in partitions)
        report("assign")

    def on_revoke(consumer, partitions):
        assigned.difference_update((p.topic, p.partition) for p in partitions)
        report("revoke")

    c = Consumer(spec["conf"])
    c.subscribe(spec["topics"], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
    while True:
        c.poll(0.1)


if __name__ == "__main__":
    main()
