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
 * Before the clock starts both modes fetch the topic's metadata (connection and partition count). Both
 * print one JSON line: records, bytes, seconds, records_per_s, mb_per_s, cpu_s (user + system time of
 * this whole process, librdkafka's threads included, between the two clock readings, from getrusage),
 * process_cpu_s (from start to exit), and what was checked. Any error exits non-zero with a message.
 *
 * Built by build_rdkafka_load() in peers.py: gcc -O2 against Debian's librdkafka-dev headers, linked
 * against confluent-kafka's bundled librdkafka 2.16 (Debian's 2.0.2 cannot talk to Tansu 0.6).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

#define MAX_CONF 64

static struct {
    const char *mode, *bootstrap, *topic, *api;
    long records, size, chunk;
    int timeout_s, same_buffer, verify, wait_ms;
    const char *conf[MAX_CONF][2];
    int conf_count;
} opt = {.api = "batch", .records = 1000000, .size = 100, .chunk = 1000, .timeout_s = 300, .wait_ms = 10};

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

/* The topic's partition count, from a metadata request (this also opens the connection). */
static int partition_count(rd_kafka_t *rk, rd_kafka_topic_t *rkt) {
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (err)
        die("metadata for %s: %s", opt.topic, rd_kafka_err2str(err));
    if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt < 1)
        die("metadata for %s: %s", opt.topic,
            md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "topic missing");
    int n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
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
        fill_value(values + i * opt.size, i);
    rd_kafka_message_t *batch = calloc(opt.chunk, sizeof *batch);
    int batch_api = strcmp(opt.api, "batch") == 0;

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
           "\"records_per_s\": %.0f, \"mb_per_s\": %.2f, \"cpu_s\": %.3f, \"partitions\": %d, \"last_offsets\": [",
           opt.api, opt.records, dr.bytes, seconds, opt.records / seconds, dr.bytes / seconds / 1e6,
           dr.cpu_end - cpu_start, dr.partitions);
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
    long *last;          /* per partition: the last value number */
    long checked;
} ver;

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
    if (seq >= opt.records || (ver.seen[seq >> 3] & (1u << (seq & 7))))
        die("verify: value %ld out of range or seen twice (partition %d offset %" PRId64 ")", seq, m->partition,
            m->offset);
    ver.seen[seq >> 3] |= 1u << (seq & 7);
    if (seq <= ver.last[m->partition] || (partitions == 1 && seq != m->offset))
        die("verify: value %ld out of order at partition %d offset %" PRId64, seq, m->partition, m->offset);
    ver.last[m->partition] = seq;
    if (memcmp(p + 10, filler, opt.size - 10) != 0)
        die("verify: value %ld: filler differs", seq);
    ver.checked++;
}

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

    int64_t *eof = malloc(sizeof(int64_t) * partitions);
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; p++) {
        eof[p] = -1;
        rd_kafka_topic_partition_list_add(list, opt.topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (opt.verify) {
        if (opt.size < 10 || opt.size > (1 << 16))
            die("--verify needs 10 <= size <= 65536");
        ver.seen = calloc(opt.records / 8 + 1, 1);
        ver.last = malloc(sizeof(long) * partitions);
        for (int p = 0; p < partitions; p++)
            ver.last[p] = -1;
    }
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
    enum { BATCH = 10000 };
    rd_kafka_message_t **msgs = malloc(sizeof *msgs * BATCH);
    long count = 0, bytes = 0;
    int ended = 0, batch_api = strcmp(opt.api, "batch") == 0;

    double deadline = now() + opt.timeout_s;
    double start = now(), cpu_start = cpu_now();
    rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
    if (err)
        die("assign: %s", rd_kafka_err2str(err));
    while (ended < partitions) {
        if (now() > deadline)
            die("consume: timed out after %d s with %ld records, %d of %d partitions at their end", opt.timeout_s,
                count, ended, partitions);
        ssize_t n;
        if (batch_api)
            n = rd_kafka_consume_batch_queue(queue, opt.wait_ms, msgs, BATCH);
        else
            n = (msgs[0] = rd_kafka_consumer_poll(rk, opt.wait_ms)) != NULL;
        if (n < 0)
            die("consume_batch_queue: %s", rd_kafka_err2str(rd_kafka_last_error()));
        for (ssize_t k = 0; k < n; k++) {
            rd_kafka_message_t *m = msgs[k];
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (m->partition < 0 || m->partition >= partitions)
                    die("EOF for unknown partition %d", m->partition);
                if (eof[m->partition] < 0)
                    ended++;
                eof[m->partition] = m->offset;
            } else if (m->err) {
                die("consume: partition %d: %s", m->partition, rd_kafka_message_errstr(m));
            } else {
                count++;
                bytes += m->len;
                if (opt.verify)
                    verify_value(m, partitions);
            }
            rd_kafka_message_destroy(m);
        }
        if (client_errors)
            die("consume: librdkafka reported %d errors (above)", client_errors);
    }
    double end = now(), cpu_end = cpu_now();

    int64_t eof_sum = 0;
    for (int p = 0; p < partitions; p++)
        eof_sum += eof[p];
    if (count != opt.records || eof_sum != opt.records)
        die("consume: %ld records, end offsets sum to %" PRId64 ", expected %ld", count, eof_sum, opt.records);
    if (opt.verify && ver.checked != opt.records)
        die("verify: %ld values checked, expected %ld", ver.checked, opt.records);

    double seconds = end - start;
    printf("{\"mode\": \"consume\", \"records\": %ld, \"bytes\": %ld, \"seconds\": %.6f, \"records_per_s\": %.0f, "
           "\"mb_per_s\": %.2f, \"cpu_s\": %.3f, \"partitions\": %d, \"eof_offsets\": [",
           count, bytes, seconds, count / seconds, bytes / seconds / 1e6, cpu_end - cpu_start, partitions);
    for (int p = 0; p < partitions; p++)
        printf("%s%" PRId64, p ? ", " : "", eof[p]);
    printf("], \"verified\": %s", opt.verify ? "true" : "false");
    rd_kafka_queue_destroy(queue);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    printf(", \"process_cpu_s\": %.3f, \"librdkafka\": \"%s\"}\n", cpu_now(), rd_kafka_version_str());
    free(msgs);
    free(eof);
    return 0;
}

static void usage(void) {
    fprintf(stderr,
            "usage: rdkafka_load produce|consume -b HOST:PORT -t TOPIC [-n RECORDS] [-s SIZE] [-X key=value]...\n"
            "         [--api batch|single] [--chunk N] [--same-buffer] [--verify] [--wait-ms MS] [--timeout SECONDS]\n");
    exit(2);
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
        else if (!strcmp(a, "-X")) {
            const char *eq = strchr(v, '=');
            if (!eq || opt.conf_count == MAX_CONF)
                usage();
            opt.conf[opt.conf_count][0] = strndup(v, eq - v);
            opt.conf[opt.conf_count++][1] = eq + 1;
        } else
            usage();
    }
    if (!opt.bootstrap || !opt.topic || opt.records < 1 || opt.records >= 10000000000L || opt.size < 1 || opt.chunk < 1 || opt.timeout_s < 1 || opt.wait_ms < 0 ||
        (strcmp(opt.api, "batch") && strcmp(opt.api, "single")))
        usage();
    if (!strcmp(opt.mode, "produce")) {
        if (opt.size < 10)
            die("values start with a 10-digit number: use -s 10 or more");
        return produce();
    }
    if (!strcmp(opt.mode, "consume"))
        return consume();
    usage();
}
