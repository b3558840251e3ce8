/*
 * bus_bench.c - how many events per second the daemon's publish path
 * takes, with a subscriber attached: bus_publish() as the daemon calls it
 * (payload, envelope, JSON, journal write, PUB send), for N small events,
 * while a SUB socket on another thread counts what arrives.
 *
 *   bus_bench [N] [JOURNAL_DIR]
 *
 * Prints one line of key=value figures.  The journal goes to JOURNAL_DIR
 * (default: a new folder under /tmp, removed at the end) and is synced
 * once at the end, as the daemon's one-second timer would.
 */
#include "bus.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

typedef struct counter {
    void *ctx;
    char endpoint[256];
    atomic_int subscribed;
    uint64_t expect;            /* the seq of the last event */
    uint64_t received;
    uint64_t last_seq;
    double finished;            /* when the last event arrived */
} counter;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Events are [topic, json]; the seq is read from the JSON text. */
static uint64_t seq_in(const char *json, size_t len)
{
    const char *p = memmem(json, len, "\"seq\":", 6);
    return p ? strtoull(p + 6, NULL, 10) : 0;
}

static void *count_events(void *arg)
{
    counter *c = arg;
    void *sub = zmq_socket(c->ctx, ZMQ_SUB);
    int hwm = 0, timeout = 2000;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    zmq_connect(sub, c->endpoint);
    char topic[64], body[4096];
    for (;;) {
        if (zmq_recv(sub, topic, sizeof(topic), 0) < 0)
            break;          /* nothing for 2 s: the publisher is done */
        int n = zmq_recv(sub, body, sizeof(body) - 1, 0);
        if (n < 0)
            break;
        if (!strncmp(topic, "daemon.heartbeat", 16)) {
            atomic_store(&c->subscribed, 1);
            continue;
        }
        c->received++;
        c->last_seq = seq_in(body, (size_t)n);
        if (c->last_seq == c->expect) {
            c->finished = now();
            break;
        }
    }
    zmq_close(sub);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    char dir[] = "/tmp/bus_bench.XXXXXX", why[512];
    const char *journal_dir = argc > 2 ? argv[2] : mkdtemp(dir);
    bus b;
    bus_options o = {
        .publish = "tcp://127.0.0.1:*", .journal_dir = journal_dir,
        .journal_events = 100000, .send_hwm = 100000,
    };

    if (n <= 0 || journal_dir == NULL || bus_open(&b, &o, why, sizeof(why)) != 0) {
        fprintf(stderr, "bus_bench: %s\n", n <= 0 ? "usage: bus_bench [N] [DIR]" : why);
        return 1;
    }
    counter c = { .ctx = b.ctx, .expect = b.seq + (uint64_t)n };
    size_t len = sizeof(c.endpoint);
    zmq_getsockopt(b.pub, ZMQ_LAST_ENDPOINT, c.endpoint, &len);
    pthread_t thread;
    pthread_create(&thread, NULL, count_events, &c);
    /* Heartbeats until the subscription is in place (no slow joiner). */
    while (!atomic_load(&c.subscribed)) {
        bus_heartbeat(&b, json_object());
        usleep(1000);
    }

    double t0 = now();
    for (long i = 0; i < n; i++)
        bus_publish(&b, "transcript.received",
                    json_pack("{s:s, s:s, s:b}", "source", "talk.txt", "path",
                              "/srv/transcripts/inbox/.work/talk.txt",
                              "recovered", 0));
    double published = now();
    journal_sync(&b.journal);
    double synced = now();
    pthread_join(thread, NULL);

    printf("events=%ld publish_s=%.3f events_per_s=%.0f sync_ms=%.1f "
           "received=%" PRIu64 " delivered_per_s=%.0f journal=%s\n",
           n, published - t0, n / (published - t0), (synced - published) * 1e3,
           c.received, c.finished > 0 ? n / (c.finished - t0) : 0.0, journal_dir);
    bus_close(&b);
    if (argc <= 2) {
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", journal_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bus_bench: could not remove %s\n", journal_dir);
    }
    return c.received == (uint64_t)n ? 0 : 1;
}
