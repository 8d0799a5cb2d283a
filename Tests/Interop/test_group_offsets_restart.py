"""Committed offsets survive a broker restart, clean (SIGTERM) or not (kill -9): the coordinator rebuilds
them by replaying __consumer_offsets, OffsetFetch answers the same offsets as before, and a new member of
the group resumes exactly from them."""

import time

import pytest

import ck
from groups import NO_INITIAL_DELAY, CkMember, commit_sync, committed_offsets, partitions_of, poll_for, poll_until

PER_PARTITION = 30
COMMITS = [{0: 7, 1: 13, 2: PER_PARTITION}, {0: 20, 1: 13, 2: PER_PARTITION}]


def consume_and_commit(broker, group, topic, expected, offsets):
    """A member that reads the `expected` number of records it is given (and then nothing more) and
    commits `offsets`; returns the offsets it read per partition."""
    m = CkMember(broker, group, [topic], "member")
    try:
        took = poll_until([m], lambda: m.assigned == partitions_of(topic, 3) and len(m.messages) >= expected, 30,
                          f"{expected} records")
        print(f"member assigned and read {expected} records in {took:.2f}s")
        poll_for([m], 0.5)
        commit_sync(m.consumer, {(topic, p): o for p, o in offsets.items()})
    finally:
        m.close()
    read = {}
    for msg in m.messages:
        read.setdefault(msg.partition(), []).append(msg.offset())
    return read


def restart(broker, clean):
    start = time.monotonic()
    broker.restart(clean=clean)
    print(f"restart ({'SIGTERM' if clean else 'kill -9'}): ready after {time.monotonic() - start:.2f}s")


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill-9"])
def test_committed_offsets_survive_a_restart(broker_factory, topic_name, clean):
    b = broker_factory(settings=NO_INITIAL_DELAY)
    topic = ck.create_topic(b, topic_name(), 3)
    group = topic_name("-group")
    records = [(None, b"%d-%d" % (p, i), None, p) for p in range(3) for i in range(PER_PARTITION)]
    ck.produce_all(ck.producer(b), topic, records)

    read = consume_and_commit(b, group, topic, 3 * PER_PARTITION, COMMITS[0])
    assert read == {p: list(range(PER_PARTITION)) for p in range(3)}
    before = committed_offsets(b, group)
    assert before == {(topic, p): o for p, o in COMMITS[0].items()}

    restart(b, clean)
    assert ("cleanShutdown=true" if clean else "cleanShutdown=false") in b.run_log()
    assert committed_offsets(b, group) == before

    # A new member resumes from the commits (partition 2 was committed at its end: nothing to read).
    read = consume_and_commit(b, group, topic, sum(PER_PARTITION - o for o in COMMITS[0].values()), COMMITS[1])
    assert read == {p: list(range(o, PER_PARTITION)) for p, o in COMMITS[0].items() if o < PER_PARTITION}

    # The second generation of commits also survives, on top of the replayed first.
    restart(b, clean)
    assert committed_offsets(b, group) == {(topic, p): o for p, o in COMMITS[1].items()}
