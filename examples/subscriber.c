/*
 * subscriber.c - a transcriptd subscriber in C that sees every event once,
 * in order, even when it starts late, falls behind, or the daemon
 * restarts.  It prints "SEQ TOPIC SOURCE" per event.
 *
 *   subscriber [PUBLISH_ENDPOINT [REPLAY_ENDPOINT [SINCE]]]
 *
 * The recipe (docs/events.md): subscribe first; remember the last seq
 * handled; when an event's seq jumps past it, or a heartbeat's last_seq is
 * ahead of it, ask the replay socket for everything after it; drop what
 * was already handled.  SINCE (a seq, 0 for everything kept) starts with
 * the journal; without it, with whatever comes next.
 *
 * Build: cc subscriber.c $(pkg-config --cflags --libs libzmq jansson)
 * (Debian: libzmq3-dev, libjansson-dev), or with the project's CMake.
 */
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

typedef struct state {
    void *ctx, *sub;
    const char *replay;
    int started;            /* last is known */
    uint64_t last;          /* the newest seq handled */
} state;

/* Receives a message's first two frames (the rest are dropped). */
static int recv2(void *sock, char **topic, char **body)
{
    int n = 0, more = 1;
    *topic = *body = NULL;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, 0) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        char *copy = strndup(zmq_msg_data(&m), zmq_msg_size(&m));
        if (n == 0)
            *topic = copy;
        else if (n == 1)
            *body = copy;
        else
            free(copy);
        n++;
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    return n;
}

static uint64_t get_seq(json_t *event, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(event, key));
}

/* What a real subscriber would do with the event. */
static void handle(state *s, const char *topic, json_t *event)
{
    const char *source = json_string_value(json_object_get(event, "source"));
    s->last = get_seq(event, "seq");
    printf("%llu %s %s\n", (unsigned long long)s->last, topic, source ? source : "");
    fflush(stdout);
}

/* Asks for everything after s->last until nothing more comes. */
static int fill(state *s)
{
    void *dealer = zmq_socket(s->ctx, ZMQ_DEALER);
    int linger = 0, timeout = 5000, got = 1, rc = 0;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    zmq_connect(dealer, s->replay);
    while (got > 0 && rc == 0) {
        char since[32], *topic, *body;
        snprintf(since, sizeof(since), "%llu", (unsigned long long)s->last);
        zmq_send(dealer, "ICANHAZ?", 8, ZMQ_SNDMORE);
        zmq_send(dealer, since, strlen(since), 0);
        /* [topic, event]... then ["KTHXBAI", last, oldest]; 10,000 at most. */
        for (got = 0;; got++) {
            if (recv2(dealer, &topic, &body) < 2) {
                fprintf(stderr, "no answer from %s\n", s->replay);
                rc = -1;
                break;
            }
            int end = !strcmp(topic, "KTHXBAI") || !strcmp(topic, "ERROR");
            json_t *event = end ? NULL : json_loads(body, 0, NULL);
            if (event != NULL && get_seq(event, "seq") > s->last)
                handle(s, topic, event);
            json_decref(event);
            free(topic);
            free(body);
            if (end)
                break;
        }
    }
    zmq_close(dealer);
    return rc;
}

static void on_message(state *s, const char *topic, json_t *event)
{
    if (!strcmp(topic, "daemon.heartbeat")) {
        /* No seq of its own; last_seq says whether we missed any. */
        uint64_t head = get_seq(event, "last_seq");
        if (!s->started) {
            s->started = 1;
            s->last = head;
        } else if (head > s->last) {
            fill(s);
        }
        return;
    }
    uint64_t seq = get_seq(event, "seq");
    if (!s->started) {
        s->started = 1;
        s->last = seq - 1;
    }
    if (seq > s->last + 1)
        fill(s);
    if (seq > s->last)
        handle(s, topic, event);
}

int main(int argc, char **argv)
{
    state s = { .replay = argc > 2 ? argv[2] : "tcp://127.0.0.1:7561" };
    const char *publish = argc > 1 ? argv[1] : "tcp://127.0.0.1:7560";
    struct sigaction sa = { .sa_handler = on_signal };

    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    s.ctx = zmq_ctx_new();
    s.sub = zmq_socket(s.ctx, ZMQ_SUB);
    zmq_setsockopt(s.sub, ZMQ_SUBSCRIBE, "", 0);
    zmq_connect(s.sub, publish);
    if (argc > 3) {
        s.started = 1;
        s.last = strtoull(argv[3], NULL, 10);
        fill(&s);
    }
    while (!stopping) {
        char *topic, *body;
        if (recv2(s.sub, &topic, &body) < 0)
            break;          /* interrupted by a signal */
        json_t *event = body ? json_loads(body, 0, NULL) : NULL;
        if (event != NULL)
            on_message(&s, topic, event);
        json_decref(event);
        free(topic);
        free(body);
    }
    int linger = 0;
    zmq_setsockopt(s.sub, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_close(s.sub);
    zmq_ctx_term(s.ctx);
    return 0;
}
