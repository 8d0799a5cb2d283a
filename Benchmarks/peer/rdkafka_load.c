/*
 * rdkafka_load: a throughput client on librdkafka's public C API that does as little per record as
 * librdkafka allows, so that on a small machine the figure is about the broker and librdkafka, not about
 * a tool's own input parsing and output formatting (kcat reads lines from a file and writes them out).
 *
 *   rdkafka_load produce -b HOST:PORT -t TOPIC [-n RECORDS] [-s SIZE] [-X key=value]... [options]
 *   rdkafka_load consume -b HOST:PORT -t TOPIC [-n RECORDS] [-s SIZE] [-X key=value]... [options]
 *
 * produce: all values are laid out once, before the clock starts, in one buffer of RECORDS x SIZE bytes
 *   (value i: i as 10 digits, then 'v' filler, as the kcat data file in compare.py without the newlines)
 *   and handed to librdkafka without a copy (msgflags 0: the buffer outlives every delivery report and is
 *   never written again). --same-buffer sends the first value RECORDS times instead (SIZE bytes of
 *   memory). No key, so the default partitioner spreads batches over the partitions. --api batch (the
 *   default) enqueues --chunk messages per rd_kafka_produce_batch() call, --api single one per
 *   rd_kafka_produce(); both serve delivery reports with rd_kafka_poll(). The clock runs from the first
 *   produce call to the last delivery report; every report must carry no error and the reports must
 *   account for every record, or the run fails.
 * consume: rd_kafka_assign() of every partition at OFFSET_BEGINNING (group.id is set because assign()
 *   fails with "Unknown group" without one; nothing joins a group or commits), enable.partition.eof=true,
 *   messages taken with rd_kafka_consume_batch_queue() from the consumer queue (--api single: one
 *   rd_kafka_consumer_poll() per message) until every partition has reported EOF. A batch call waits until it has 10,000 messages
 *   or --wait-ms (10) has passed, so the last one costs up to that long. fetch.wait.max.ms and
 *   fetch.queue.backoff.ms are 10 unless -X says otherwise (the settings compare.py gives kcat). The
 *   clock runs from assign() to the last EOF. The count must equal RECORDS and the EOF offsets must sum
 *   to RECORDS. --verify also checks every value: SIZE bytes, a 10-digit number below RECORDS never seen
 *   before, increasing within its partition (equal to the offset on a 1-partition topic), then the filler
 *   (so it expects a fresh topic written by `produce` without --same-buffer).
 *
 *
 * Several processes can share one measurement (compare.py --clients N):
 *   --first-value K (produce): the values are numbers K .. K+RECORDS-1 instead of 0 .. RECORDS-1, so that
 *     N producers, process i writing records [i*T/N, (i+1)*T/N) of T, write T distinct values.
 *   --partition P (consume, repeatable): assign only partition P (default: every partition).
 *   --start-offset O, --end-offset E (consume): each assigned partition is read from offset O (default: the
 *     beginning) up to and including E-1 (default: up to its EOF); --range P:O:E sets one partition's
 *     range (E = -1: to EOF). A partition with an end offset is done when offset E-1 has been consumed (it
 *     is then paused; anything fetched beyond it is dropped and not counted); reaching EOF before E fails.
 *     RECORDS is then the number this process must consume: the sum over its partitions of end - start.
 *   --values V, --streams S (consume --verify): the topic holds the values 0 .. V-1 (default V = RECORDS),
 *     written by S producers, producer j writing [j*V/S, (j+1)*V/S) in order; each value must be below V,
 *     not seen before by this process, and increasing among its producer's values within its partition
 *     (and equal to its offset when the topic has 1 partition and S = 1). The JSON then carries
 *     value_sum and value_sq_sum (mod 2^64), so that the caller can check that N consumers together
 *     saw every value once.
 *   --wait-go: after the set-up (metadata, values laid out), print "ready" on a line of its own and wait
 *     for a line on stdin before starting the clock, so that all processes start together.
 *
 * Before the clock starts both modes fetch the topic's metadata (connection and partition count). Both
 * print one JSON line: records, bytes, seconds, records_per_s, mb_per_s, cpu_s (user + system time of
 * this whole process, librdkafka's threads included, between the two clock readings, from getrusage),
 * process_cpu_s (from start to exit), start_mono and end_mono (the two clock readings, CLOCK_MONOTONIC
 * seconds: one clock for every process on the machine, so the caller can take the span of several
 * processes), and what was checked. Any error exits non-zero with a message.
 *
 * Built by build_rdkafka_load() in peers.py: gcc -O2 against Debian's librdkafka-dev headers, linked
 * against confluent-kafka's bundled librdkafka 2.16 (Debian's 2.0.2 cannot talk to Tansu 0.6).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#define MAX_CONF 64
#define MAX_RANGES 1024
#define OFFSET_DEFAULT_START (-2) /* RD_KAFKA_OFFSET_BEGINNING */
#define OFFSET_TO_EOF (-1)

static struct {
    const char *mode, *bootstrap, *topic, *api;
    long records, size, chunk, first_value, values, streams;
    int timeout_s, same_buffer, verify, wait_ms, wait_go;
    const char *conf[MAX_CONF][2];
    int conf_count;
    /* consume: --partition / --range, and --start-offset / --end-offset for the --partition ones */
    int range_partition[MAX_RANGES];
    int64_t range_start[MAX_RANGES], range_end[MAX_RANGES]; /* -2: start/end options apply */
    int range_count;
    int64_t start_offset, end_offset;
} opt = {.api = "batch", .records = 1000000, .size = 100, .chunk = 1000, .timeout_s = 300, .wait_ms = 10,
         .streams = 1, .start_offset = OFFSET_DEFAULT_START, .end_offset = OFFSET_TO_EOF};

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "rdkafka_load: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Errors librdkafka reports outside a message (connection failures, fatal errors): all fail the run. */
static int client_errors;
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)rk, (void)opaque;
    fprintf(stderr, "rdkafka_load: librdkafka error %s: %s\n", rd_kafka_err2name(err), reason);
    client_errors++;
}

static rd_kafka_conf_t *make_conf(const char *const defaults[][2], int ndefaults) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", opt.bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
        die("bootstrap.servers: %s", errstr);
    for (int i = 0; i < ndefaults; i++)
        if (rd_kafka_conf_set(conf, defaults[i][0], defaults[i][1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
            die("%s: %s", defaults[i][0], errstr);
    for (int i = 0; i < opt.conf_count; i++)
        if (rd_kafka_conf_set(conf, opt.conf[i][0], opt.conf[i][1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
            die("-X %s=%s: %s", opt.conf[i][0], opt.conf[i][1], errstr);
    rd_kafka_conf_set_error_cb(conf, on_error);
    return conf;
}

/* The topic's partition count, from a metadata request (this also opens the connection). A broker
 * that has not yet learnt of a topic just created answers LEADER_NOT_AVAILABLE or
 * UNKNOWN_TOPIC_OR_PART: asked again for up to 10 s, as Kafka's own tools retry. */
static int partition_count(rd_kafka_t *rk, rd_kafka_topic_t *rkt) {
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t err;
    for (int attempt = 0;; attempt++) {
        err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        if (err)
            die("metadata for %s: %s", opt.topic, rd_kafka_err2str(err));
        rd_kafka_resp_err_t topic_err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_NO_ERROR;
        int transient = topic_err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        if (!transient || attempt >= 100)
            break;
        rd_kafka_metadata_destroy(md);
        usleep(100 * 1000);
    }
    if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt < 1)
        die("metadata for %s: %s", opt.topic,
            md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "topic missing");
    int n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
}

/* --wait-go: say that the set-up is done and wait for the go (a line on stdin). */
static void wait_for_go(void) {
    if (!opt.wait_go)
        return;
    printf("ready\n");
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        die("--wait-go: stdin closed before the go");
}

/* Value i: i as 10 decimal digits (SIZE >= 10), then 'v' up to SIZE bytes. */
static void fill_value(char *p, long i) {
    char digits[24];
    snprintf(digits, sizeof digits, "%010ld", i);
    memcpy(p, digits, 10);
    memset(p + 10, 'v', opt.size - 10);
}

/* ---- produce ---- */

static struct {
    long done, failed, bytes;
    int64_t *last_offset; /* per partition: the highest offset a delivery report carried */
    int partitions;
    double end, cpu_end;
    rd_kafka_resp_err_t first_error;
} dr;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk, (void)opaque;
    if (m->err) {
        if (!dr.failed++)
            dr.first_error = m->err;
    } else {
        dr.bytes += m->len;
        if (m->partition >= 0 && m->partition < dr.partitions && m->offset > dr.last_offset[m->partition])
            dr.last_offset[m->partition] = m->offset;
    }
    if (++dr.done == opt.records) {
        dr.end = now();
        dr.cpu_end = cpu_now();
    }
}

static int produce(void) {
    char errstr[512];
    const char *const defaults[][2] = {{"linger.ms", "5"}};
    rd_kafka_conf_t *conf = make_conf(defaults, 1);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk)
        die("rd_kafka_new: %s", errstr);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, opt.topic, NULL);
    if (!rkt)
        die("rd_kafka_topic_new: %s", rd_kafka_err2str(rd_kafka_last_error()));
    dr.partitions = partition_count(rk, rkt);
    dr.last_offset = malloc(sizeof(int64_t) * dr.partitions);
    for (int p = 0; p < dr.partitions; p++)
        dr.last_offset[p] = -1;

    long stride = opt.same_buffer ? 0 : opt.size;
    char *values = malloc(opt.same_buffer ? (size_t)opt.size : (size_t)opt.size * opt.records);
    if (!values)
        die("cannot allocate %ld x %ld bytes", opt.records, opt.size);
    for (long i = 0; i < (opt.same_buffer ? 1 : opt.records); i++)
        fill_value(values + i * opt.size, opt.first_value + i);
    rd_kafka_message_t *batch = calloc(opt.chunk, sizeof *batch);
    int batch_api = strcmp(opt.api, "batch") == 0;

    wait_for_go();
    double deadline = now() + opt.timeout_s;
    double start = now(), cpu_start = cpu_now();
    long next = 0, polls_due = 0;
    if (batch_api) {
        int pending = 0; /* messages at the front of `batch` that the last call did not take */
        while (next < opt.records || pending) {
            int n = pending;
            for (; n < opt.chunk && next < opt.records; n++, next++) {
                batch[n].payload = values + next * stride;
                batch[n].len = opt.size;
            }
            for (int k = 0; k < n; k++)
                batch[k].err = 0;
            int taken = rd_kafka_produce_batch(rkt, RD_KAFKA_PARTITION_UA, 0, batch, n);
            pending = 0;
            if (taken < n) /* keep the refused ones, in order, for the next call */
                for (int k = 0; k < n; k++) {
                    if (!batch[k].err)
                        continue;
                    if (batch[k].err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        die("produce_batch: %s", rd_kafka_err2str(batch[k].err));
                    batch[pending++] = batch[k];
                }
            rd_kafka_poll(rk, pending ? 1 : 0); /* delivery reports; wait a little when the queue is full */
            if (now() > deadline)
                die("produce: timed out after %d s with %ld of %ld enqueued", opt.timeout_s, next - pending,
                    opt.records);
        }
    } else {
        while (next < opt.records) {
            if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, values + next * stride, opt.size, NULL, 0,
                                 NULL) == 0) {
                next++;
                if (++polls_due == 1000) {
                    rd_kafka_poll(rk, 0);
                    polls_due = 0;
                }
                continue;
            }
            rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die("produce: %s", rd_kafka_err2str(err));
            rd_kafka_poll(rk, 1);
            if (now() > deadline)
                die("produce: timed out after %d s with %ld of %ld enqueued", opt.timeout_s, next, opt.records);
        }
    }
    while (dr.done < opt.records && now() < deadline)
        rd_kafka_flush(rk, 100);
    if (dr.done < opt.records)
        die("produce: %ld of %ld delivery reports after %d s", dr.done, opt.records, opt.timeout_s);
    if (dr.failed)
        die("produce: %ld of %ld records failed, the first with %s", dr.failed, opt.records,
            rd_kafka_err2str(dr.first_error));
    if (client_errors)
        die("produce: librdkafka reported %d errors (above)", client_errors);

    double seconds = dr.end - start;
    printf("{\"mode\": \"produce\", \"api\": \"%s\", \"records\": %ld, \"bytes\": %ld, \"seconds\": %.6f, "
           "\"records_per_s\": %.0f, \"mb_per_s\": %.2f, \"cpu_s\": %.3f, \"start_mono\": %.6f, \"end_mono\": %.6f, "
           "\"first_value\": %ld, \"partitions\": %d, \"last_offsets\": [",
           opt.api, opt.records, dr.bytes, seconds, opt.records / seconds, dr.bytes / seconds / 1e6,
           dr.cpu_end - cpu_start, start, dr.end, opt.first_value, dr.partitions);
    for (int p = 0; p < dr.partitions; p++)
        printf("%s%" PRId64, p ? ", " : "", dr.last_offset[p]);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    printf("], \"process_cpu_s\": %.3f, \"librdkafka\": \"%s\"}\n", cpu_now(), rd_kafka_version_str());
    free(batch);
    free(values);
    return 0;
}

/* ---- consume ---- */

static struct {
    unsigned char *seen; /* bitmap of value numbers */
    long *last;          /* per partition and producer stream: the last value number */
    long checked;
    uint64_t sum, sq_sum; /* of the value numbers, mod 2^64 */
} ver;

/* The producer stream that wrote value `seq`: j with j*V/S <= seq < (j+1)*V/S (compare.py's split). */
static long stream_of(long seq) {
    long j = (long)((double)seq * opt.streams / opt.values);
    if (j >= opt.streams)
        j = opt.streams - 1;
    while (j > 0 && seq < (long)((__int128)j * opt.values / opt.streams))
        j--;
    while (j + 1 < opt.streams && seq >= (long)((__int128)(j + 1) * opt.values / opt.streams))
        j++;
    return j;
}

static void verify_value(const rd_kafka_message_t *m, int partitions) {
    static char filler[1 << 16];
    if (!filler[0])
        memset(filler, 'v', sizeof filler);
    const char *p = m->payload;
    if ((long)m->len != opt.size || !p)
        die("verify: partition %d offset %" PRId64 ": %zu bytes, expected %ld", m->partition, m->offset,
            m->len, opt.size);
    long seq = 0;
    for (int k = 0; k < 10; k++) {
        if (p[k] < '0' || p[k] > '9')
            die("verify: partition %d offset %" PRId64 ": value does not start with 10 digits", m->partition,
                m->offset);
        seq = seq * 10 + (p[k] - '0');
    }
    if (seq >= opt.values || (ver.seen[seq >> 3] & (1u << (seq & 7))))
        die("verify: value %ld out of range or seen twice (partition %d offset %" PRId64 ")", seq, m->partition,
            m->offset);
    ver.seen[seq >> 3] |= 1u << (seq & 7);
    long *last = &ver.last[(long)m->partition * opt.streams + stream_of(seq)];
    if (seq <= *last || (partitions == 1 && opt.streams == 1 && seq != m->offset))
        die("verify: value %ld out of order at partition %d offset %" PRId64, seq, m->partition, m->offset);
    *last = seq;
    if (memcmp(p + 10, filler, opt.size - 10) != 0)
        die("verify: value %ld: filler differs", seq);
    ver.sum += (uint64_t)seq;
    ver.sq_sum += (uint64_t)seq * (uint64_t)seq;
    ver.checked++;
}

/* One assigned partition: where it starts and stops, and what was consumed. */
struct part {
    int64_t start, end; /* end: OFFSET_TO_EOF or the first offset not to consume */
    int64_t eof;        /* the EOF offset librdkafka reported, -1 before */
    int64_t stop;       /* the offset after the last one this partition had to consume, once done */
    long count;
    int done;
};

static int consume(void) {
    char errstr[512];
    /* assign() needs a group.id; nothing here joins a group or commits. The fetch settings are the ones
       compare.py gives kcat (see there): they only shorten client timers. */
    const char *const defaults[][2] = {{"group.id", "rdkafka-load"},
                                       {"enable.auto.commit", "false"},
                                       {"enable.auto.offset.store", "false"},
                                       {"enable.partition.eof", "true"},
                                       {"fetch.wait.max.ms", "10"},
                                       {"fetch.queue.backoff.ms", "10"}};
    rd_kafka_conf_t *conf = make_conf(defaults, sizeof defaults / sizeof defaults[0]);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk)
        die("rd_kafka_new: %s", errstr);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, opt.topic, NULL);
    if (!rkt)
        die("rd_kafka_topic_new: %s", rd_kafka_err2str(rd_kafka_last_error()));
    int partitions = partition_count(rk, rkt);
    rd_kafka_topic_destroy(rkt);

    /* Which partitions, from where to where: --partition/--range, or every partition from the beginning. */
    struct part *parts = calloc(partitions, sizeof *parts);
    int *assigned = calloc(partitions, sizeof *assigned);
    if (!opt.range_count) {
        if (partitions > MAX_RANGES)
            die("more than %d partitions", MAX_RANGES);
        for (int p = 0; p < partitions; p++, opt.range_count++) {
            opt.range_partition[p] = p;
            opt.range_start[p] = opt.range_end[p] = OFFSET_DEFAULT_START;
        }
    }
    for (int i = 0; i < opt.range_count; i++) {
        int p = opt.range_partition[i];
        if (p < 0 || p >= partitions || assigned[p])
            die("partition %d: not in the topic (%d partitions) or given twice", p, partitions);
        assigned[p] = 1;
        parts[p].start = opt.range_start[i] == OFFSET_DEFAULT_START ? opt.start_offset : opt.range_start[i];
        parts[p].end = opt.range_end[i] == OFFSET_DEFAULT_START ? opt.end_offset : opt.range_end[i];
        if (parts[p].start < OFFSET_DEFAULT_START || parts[p].end < OFFSET_TO_EOF ||
            (parts[p].end >= 0 && parts[p].end <= (parts[p].start < 0 ? 0 : parts[p].start)))
            die("partition %d: empty or invalid range %" PRId64 " .. %" PRId64, p, parts[p].start, parts[p].end);
        parts[p].eof = -1;
    }
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(opt.range_count);
    for (int p = 0; p < partitions; p++)
        if (assigned[p])
            rd_kafka_topic_partition_list_add(list, opt.topic, p)->offset = parts[p].start;
    if (opt.verify) {
        if (opt.size < 10 || opt.size > (1 << 16))
            die("--verify needs 10 <= size <= 65536");
        ver.seen = calloc(opt.values / 8 + 1, 1);
        ver.last = malloc(sizeof(long) * partitions * opt.streams);
        for (long k = 0; k < (long)partitions * opt.streams; k++)
            ver.last[k] = -1;
    }
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
    enum { BATCH = 10000 };
    rd_kafka_message_t **msgs = malloc(sizeof *msgs * BATCH);
    long count = 0, bytes = 0, dropped = 0;
    int done = 0, batch_api = strcmp(opt.api, "batch") == 0;

    wait_for_go();
    double deadline = now() + opt.timeout_s;
    double start = now(), cpu_start = cpu_now();
    rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
    if (err)
        die("assign: %s", rd_kafka_err2str(err));
    while (done < opt.range_count) {
        if (now() > deadline)
            die("consume: timed out after %d s with %ld records, %d of %d partitions done", opt.timeout_s, count,
                done, opt.range_count);
        ssize_t n;
        if (batch_api)
            n = rd_kafka_consume_batch_queue(queue, opt.wait_ms, msgs, BATCH);
        else
            n = (msgs[0] = rd_kafka_consumer_poll(rk, opt.wait_ms)) != NULL;
        if (n < 0)
            die("consume_batch_queue: %s", rd_kafka_err2str(rd_kafka_last_error()));
        for (ssize_t k = 0; k < n; k++) {
            rd_kafka_message_t *m = msgs[k];
            if (m->partition < 0 || m->partition >= partitions || !assigned[m->partition])
                die("consume: a message or event for partition %d, which is not assigned", m->partition);
            struct part *pt = &parts[m->partition];
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                pt->eof = m->offset;
                if (!pt->done && pt->end >= 0)
                    die("consume: partition %d ended at offset %" PRId64 " before end offset %" PRId64,
                        m->partition, m->offset, pt->end);
                if (!pt->done) {
                    pt->done = 1, done++;
                    pt->stop = m->offset;
                }
            } else if (m->err) {
                die("consume: partition %d: %s", m->partition, rd_kafka_message_errstr(m));
            } else if (pt->done || (pt->end >= 0 && m->offset >= pt->end)) {
                dropped++; /* fetched beyond this process's range */
            } else {
                count++;
                pt->count++;
                bytes += m->len;
                if (opt.verify)
                    verify_value(m, partitions);
                if (pt->end >= 0 && m->offset >= pt->end - 1) {
                    pt->done = 1, done++;
                    pt->stop = pt->end;
                    rd_kafka_topic_partition_list_t *one = rd_kafka_topic_partition_list_new(1);
                    rd_kafka_topic_partition_list_add(one, opt.topic, m->partition);
                    rd_kafka_pause_partitions(rk, one); /* stop fetching beyond the range */
                    rd_kafka_topic_partition_list_destroy(one);
                }
            }
            rd_kafka_message_destroy(m);
        }
        if (client_errors)
            die("consume: librdkafka reported %d errors (above)", client_errors);
    }
    double end = now(), cpu_end = cpu_now();

    /* Every partition: exactly the records from its start (0 for the beginning of a fresh topic) to its stop. */
    for (int p = 0; p < partitions; p++) {
        if (!assigned[p])
            continue;
        int64_t from = parts[p].start < 0 ? 0 : parts[p].start;
        if (parts[p].count != parts[p].stop - from)
            die("consume: partition %d: %ld records from offset %" PRId64 " to %" PRId64, p, parts[p].count, from,
                parts[p].stop);
    }
    if (count != opt.records)
        die("consume: %ld records, expected %ld", count, opt.records);
    if (opt.verify && ver.checked != opt.records)
        die("verify: %ld values checked, expected %ld", ver.checked, opt.records);

    double seconds = end - start;
    printf("{\"mode\": \"consume\", \"records\": %ld, \"bytes\": %ld, \"seconds\": %.6f, \"records_per_s\": %.0f, "
           "\"mb_per_s\": %.2f, \"cpu_s\": %.3f, \"start_mono\": %.6f, \"end_mono\": %.6f, \"dropped\": %ld, "
           "\"partitions\": %d, \"start_offsets\": [",
           count, bytes, seconds, count / seconds, bytes / seconds / 1e6, cpu_end - cpu_start, start, end, dropped,
           partitions);
    for (int p = 0; p < partitions; p++)
        printf("%s%" PRId64, p ? ", " : "", !assigned[p] ? -1 : parts[p].start < 0 ? 0 : parts[p].start);
    printf("], \"stop_offsets\": [");
    for (int p = 0; p < partitions; p++)
        printf("%s%" PRId64, p ? ", " : "", assigned[p] ? parts[p].stop : -1);
    printf("], \"eof_offsets\": [");
    for (int p = 0; p < partitions; p++)
        printf("%s%" PRId64, p ? ", " : "", parts[p].eof);
    printf("], \"verified\": %s", opt.verify ? "true" : "false");
    if (opt.verify)
        printf(", \"value_sum\": %" PRIu64 ", \"value_sq_sum\": %" PRIu64, ver.sum, ver.sq_sum);
    rd_kafka_queue_destroy(queue);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    printf(", \"process_cpu_s\": %.3f, \"librdkafka\": \"%s\"}\n", cpu_now(), rd_kafka_version_str());
    free(msgs);
    free(parts);
    free(assigned);
    return 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: rdkafka_load produce|consume -b HOST:PORT -t TOPIC [-n RECORDS] [-s SIZE] [-X key=value]...\n"
            "         [--api batch|single] [--chunk N] [--same-buffer] [--verify] [--wait-ms MS] [--timeout SECONDS]\n"
            "         [--wait-go] [--first-value K] [--partition P]... [--start-offset O] [--end-offset E]\n"
            "         [--range P:START:END]... [--values V] [--streams S]\n");
    exit(2);
}

static int64_t parse_offset(const char *v) {
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end || end == v)
        usage();
    return x;
}

static void add_range(int partition, int64_t start, int64_t end) {
    if (opt.range_count == MAX_RANGES)
        die("more than %d --partition/--range options", MAX_RANGES);
    opt.range_partition[opt.range_count] = partition;
    opt.range_start[opt.range_count] = start;
    opt.range_end[opt.range_count++] = end;
}

int main(int argc, char **argv) {
    if (argc < 2)
        usage();
    opt.mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--same-buffer"))
            opt.same_buffer = 1;
        else if (!strcmp(a, "--verify"))
            opt.verify = 1;
        else if (!strcmp(a, "--wait-go"))
            opt.wait_go = 1;
        else if (!v)
            usage();
        else if (i++, !strcmp(a, "-b"))
            opt.bootstrap = v;
        else if (!strcmp(a, "-t"))
            opt.topic = v;
        else if (!strcmp(a, "-n"))
            opt.records = atol(v);
        else if (!strcmp(a, "-s"))
            opt.size = atol(v);
        else if (!strcmp(a, "--api"))
            opt.api = v;
        else if (!strcmp(a, "--chunk"))
            opt.chunk = atol(v);
        else if (!strcmp(a, "--wait-ms"))
            opt.wait_ms = atoi(v);
        else if (!strcmp(a, "--timeout"))
            opt.timeout_s = atoi(v);
        else if (!strcmp(a, "--first-value"))
            opt.first_value = parse_offset(v);
        else if (!strcmp(a, "--values"))
            opt.values = parse_offset(v);
        else if (!strcmp(a, "--streams"))
            opt.streams = parse_offset(v);
        else if (!strcmp(a, "--partition"))
            add_range((int)parse_offset(v), OFFSET_DEFAULT_START, OFFSET_DEFAULT_START);
        else if (!strcmp(a, "--start-offset")) {
            if ((opt.start_offset = parse_offset(v)) < 0)
                usage();
        } else if (!strcmp(a, "--end-offset")) {
            if ((opt.end_offset = parse_offset(v)) < 1)
                usage();
        } else if (!strcmp(a, "--range")) {
            int partition;
            long long start, end;
            char tail;
            if (sscanf(v, "%d:%lld:%lld%c", &partition, &start, &end, &tail) != 3 || start < 0 || end < -1)
                usage();
            add_range(partition, start, end);
        } else if (!strcmp(a, "-X")) {
            const char *eq = strchr(v, '=');
            if (!eq || opt.conf_count == MAX_CONF)
                usage();
            opt.conf[opt.conf_count][0] = strndup(v, eq - v);
            opt.conf[opt.conf_count++][1] = eq + 1;
        } else
            usage();
    }
    if (!opt.values)
        opt.values = opt.records;
    if (!opt.bootstrap || !opt.topic || opt.records < 1 || opt.size < 1 || opt.chunk < 1 || opt.timeout_s < 1 ||
        opt.wait_ms < 0 || opt.first_value < 0 || opt.first_value + opt.records > 10000000000L ||
        opt.values < 1 || opt.values >= 10000000000L || opt.streams < 1 || opt.streams > opt.values ||
        (strcmp(opt.api, "batch") && strcmp(opt.api, "single")))
        usage();
    if (!strcmp(opt.mode, "produce")) {
        if (opt.size < 10)
            die("values start with a 10-digit number: use -s 10 or more");
        if (opt.range_count || opt.start_offset != OFFSET_DEFAULT_START || opt.end_offset != OFFSET_TO_EOF)
            die("--partition, --range, --start-offset and --end-offset are for consume");
        return produce();
    }
    if (!strcmp(opt.mode, "consume")) {
        if (opt.values < opt.records)
            die("--values must be at least RECORDS");
        return consume();
    }
    usage();
}
