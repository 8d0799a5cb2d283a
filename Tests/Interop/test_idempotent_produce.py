"""The idempotent producer's broker side over raw Produce requests: a retried batch is answered with its
original offset and stored once, a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER, the state is
rebuilt from the log after a restart (clean or kill -9), and a batch with a bad CRC is CORRUPT_MESSAGE."""

import pytest
from confluent_kafka import TopicPartition

import ck
import kafka_wire as wire

NONE, CORRUPT_MESSAGE, OUT_OF_ORDER_SEQUENCE_NUMBER = 0, 2, 45
BASE = 1_700_000_000_000


class RawProducer:
    def __init__(self, broker):
        self.broker = broker
        self.correlation = 100
        self.sock = wire.connect(broker.host, broker.port, timeout=15)

    def call(self, frame_for):
        self.correlation += 1
        self.sock.sendall(frame_for(self.correlation))
        correlation, body = wire.read_response(self.sock)
        assert correlation == self.correlation
        return body

    def init_producer_id(self):
        error, pid, epoch = wire.decode_init_producer_id_v0(self.call(wire.init_producer_id_v0))
        assert error == NONE and pid >= 0 and epoch >= 0
        return pid, epoch

    def produce(self, topic, batch):
        body = self.call(lambda c: wire.request(wire.PRODUCE, 3, c, wire.produce_v3(topic, 0, batch)))
        [(_, partition, error, base_offset, _)] = wire.decode_produce_v3(body)
        assert partition == 0
        return error, base_offset

    def close(self):
        self.sock.close()


def batch(pid, epoch, sequence, count, tag):
    return wire.record_batch([(b"k", b"%s-%d" % (tag, i)) for i in range(count)], BASE, pid, epoch, sequence)


@pytest.fixture
def raw(broker):
    r = RawProducer(broker)
    yield r
    r.close()


def log_end(broker, topic):
    return ck.watermarks(broker, topic, 0)[1]


def test_retried_batch_gets_its_original_offset(broker, raw):
    topic = ck.create_topic(broker, "idem", 1)
    pid, epoch = raw.init_producer_id()
    first = batch(pid, epoch, 0, 3, b"a")
    assert raw.produce(topic, first) == (NONE, 0)
    assert raw.produce(topic, batch(pid, epoch, 3, 2, b"b")) == (NONE, 3)
    # Retries of either batch: answered with the original offsets, nothing appended.
    assert raw.produce(topic, first) == (NONE, 0)
    assert raw.produce(topic, batch(pid, epoch, 3, 2, b"b")) == (NONE, 3)
    assert log_end(broker, topic) == 5
    assert raw.produce(topic, batch(pid, epoch, 5, 1, b"c")) == (NONE, 5)
    assert log_end(broker, topic) == 6
    c = ck.consumer(broker)
    c.assign([TopicPartition(topic, 0, 0)])
    consumed = ck.consume(c, 6)
    c.close()
    assert [(m.offset(), m.value()) for m in consumed] == [
        (0, b"a-0"), (1, b"a-1"), (2, b"a-2"), (3, b"b-0"), (4, b"b-1"), (5, b"c-0")]


def test_sequence_gap_is_out_of_order(broker, raw):
    topic = ck.create_topic(broker, "gap", 1)
    pid, epoch = raw.init_producer_id()
    assert raw.produce(topic, batch(pid, epoch, 0, 2, b"a")) == (NONE, 0)
    error, _ = raw.produce(topic, batch(pid, epoch, 5, 1, b"gap"))
    assert error == OUT_OF_ORDER_SEQUENCE_NUMBER
    assert log_end(broker, topic) == 2
    assert raw.produce(topic, batch(pid, epoch, 2, 1, b"next")) == (NONE, 2)


def test_two_producers_have_separate_sequences(broker, raw):
    topic = ck.create_topic(broker, "two", 1)
    a = raw.init_producer_id()
    b = raw.init_producer_id()
    assert a[0] != b[0]
    assert raw.produce(topic, batch(*a, 0, 1, b"a")) == (NONE, 0)
    assert raw.produce(topic, batch(*b, 0, 1, b"b")) == (NONE, 1)
    assert raw.produce(topic, batch(*a, 0, 1, b"a")) == (NONE, 0)


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill"])
def test_producer_state_survives_restart(broker, clean):
    topic = ck.create_topic(broker, "state", 1)
    raw = RawProducer(broker)
    pid, epoch = raw.init_producer_id()
    assert raw.produce(topic, batch(pid, epoch, 0, 4, b"a")) == (NONE, 0)
    assert raw.produce(topic, batch(pid, epoch, 4, 4, b"b")) == (NONE, 4)
    raw.close()
    broker.restart(clean=clean)
    raw = RawProducer(broker)
    try:
        assert raw.produce(topic, batch(pid, epoch, 4, 4, b"b")) == (NONE, 4), "the retry after restart"
        assert log_end(broker, topic) == 8
        assert raw.produce(topic, batch(pid, epoch, 12, 1, b"gap"))[0] == OUT_OF_ORDER_SEQUENCE_NUMBER
        assert raw.produce(topic, batch(pid, epoch, 8, 1, b"c")) == (NONE, 8)
        # Producer ids handed out after the restart are new ones.
        assert raw.init_producer_id()[0] != pid
    finally:
        raw.close()


def test_bad_crc_is_corrupt_message(broker, raw):
    topic = ck.create_topic(broker, "crc", 1)
    good = bytearray(wire.record_batch([(b"k", b"value")], BASE))
    good[-2] ^= 0xFF  # inside the record's value, covered by the CRC
    error, _ = raw.produce(topic, bytes(good))
    assert error == CORRUPT_MESSAGE
    assert log_end(broker, topic) == 0
    # The connection stays usable and a good batch goes in at offset 0.
    assert raw.produce(topic, wire.record_batch([(b"k", b"value")], BASE)) == (NONE, 0)
