/*
 * cli_tail.c - `transcriptd tail`: prints the daemon's events as they
 * come, one line each, and never silently skips one.
 *
 * It follows the Clone pattern (see bus.h): the subscription carries the
 * live events; a seq that jumps, or a heartbeat whose last_seq is ahead
 * of what was printed, sends it to the replay socket for what it missed.
 * ZeroMQ reconnects by itself when the daemon restarts; seq goes on
 * across restarts, so the first event after one is just another jump.
 * A journal that was reset (seq going back) is noticed on a heartbeat or
 * daemon.ready behind what was printed, and followed from its start.
 */
#include "cli.h"
#include "cli_bus.h"

#include "bus.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <transcriptd/text.h>
#include <unistd.h>
#include <zmq.h>

#define USAGE "transcriptd tail [--topic PREFIX] [--since SEQ] [--json] " \
              "[--curve-key FILE --server-key FILE] [-c FILE]"
#define REPLAY_TIMEOUT_MS 5000
#define HEARTBEAT "daemon.heartbeat"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct tail {
    cli_bus bus;
    cli_sock sub, replay;
    const char *publish_ep, *replay_ep;
    const char *topic;          /* prefix to print, or NULL: all */
    bool json;
    bool started;               /* last is known */
    uint64_t last;              /* the newest seq handled */
    int failed;                 /* stdout broke: 1, or 2 for a closed pipe */
    char refused[512];          /* why the daemon turned us away, or "" */
} tail;

/* ---- printing ---------------------------------------------------------------- */

static bool wanted(const tail *t, const char *topic)
{
    /* Heartbeats are noise unless asked for by name. */
    if (t->topic == NULL)
        return strcmp(topic, HEARTBEAT) != 0;
    return strncmp(topic, t->topic, strlen(t->topic)) == 0;
}

static const char *str(json_t *ev, const char *key)
{
    const char *s = json_string_value(json_object_get(ev, key));
    return s ? s : "-";
}

static long long num(json_t *ev, const char *key)
{
    return (long long)json_integer_value(json_object_get(ev, key));
}

static void print_done(json_t *ev)
{
    json_t *title = json_object_get(ev, "title");
    json_t *duration = json_object_get(ev, "duration");
    char when[24];
    const char *k;
    json_t *v;

    printf(" %s %s %s", str(ev, "source"), str(ev, "id"), str(ev, "format"));
    if (json_is_string(title))
        printf(" \"%s\"", json_string_value(title));
    if (json_is_number(duration))
        printf(" %s", td_time_format((td_ms)(json_number_value(duration) * 1000),
                                     true, when));
    printf(" %lld words, %lld speakers ->", num(ev, "words"), num(ev, "speaker_count"));
    json_object_foreach(json_object_get(ev, "outputs"), k, v)
        printf(" %s", json_string_value(v));
}

static void print_fields(const char *topic, json_t *ev)
{
    if (!strcmp(topic, "transcript.received"))
        printf(" %s%s", str(ev, "source"),
               json_is_true(json_object_get(ev, "recovered")) ? " (recovered)" : "");
    else if (!strcmp(topic, "transcript.done"))
        print_done(ev);
    else if (!strcmp(topic, "transcript.failed"))
        printf(" %s %s (%s): %s", str(ev, "source"), str(ev, "plugin"),
               str(ev, "stage"), str(ev, "error"));
    else if (!strcmp(topic, "daemon.ready"))
        printf(" pid %lld, version %s, %lld workers, inbox %s", num(ev, "pid"),
               str(ev, "version"), num(ev, "workers"), str(ev, "inbox"));
    else if (!strcmp(topic, HEARTBEAT))
        printf(" last_seq %lld, queued %lld, in flight %lld, done %lld, failed %lld",
               num(ev, "last_seq"), num(ev, "queued"), num(ev, "in_flight"),
               num(ev, "done"), num(ev, "failed"));
    else if (!strcmp(topic, "daemon.stopping"))
        printf(" done %lld, failed %lld", num(ev, "done"), num(ev, "failed"));
}

static void print_human(const char *topic, json_t *ev)
{
    double when = json_number_value(json_object_get(ev, "time"));
    time_t secs = (time_t)when;
    struct tm tm;
    char stamp[32];

    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    printf("%s.%03dZ ", stamp, (int)((when - (double)secs) * 1000));
    if (json_is_integer(json_object_get(ev, "seq")))
        printf("%6lld", num(ev, "seq"));
    else
        printf("%6s", "-");
    printf(" %-19s", topic);
    print_fields(topic, ev);
    putchar('\n');
}

/* Prints one event; scripts read line by line, so each line is flushed. */
static void emit(tail *t, const char *topic, json_t *ev, const char *raw)
{
    if (!wanted(t, topic))
        return;
    if (t->json)
        printf("%s\n", raw);
    else
        print_human(topic, ev);
    if (fflush(stdout) != 0 || ferror(stdout))
        t->failed = errno == EPIPE ? 2 : 1;
}

/* ---- receiving --------------------------------------------------------------- */

typedef struct message {
    char *topic;
    char *raw;              /* the second frame */
    char *third;            /* KTHXBAI's oldest seq */
    json_t *ev;
} message;

static char *copy_frame(zmq_msg_t *m)
{
    return strndup(zmq_msg_data(m), zmq_msg_size(m));
}

static void message_free(message *m)
{
    free(m->topic);
    free(m->raw);
    free(m->third);
    json_decref(m->ev);
    memset(m, 0, sizeof(*m));
}

/* Receives one message, keeping 3 frames; returns its frame count or -1. */
static int receive(void *sock, message *out, int flags)
{
    zmq_msg_t f;
    int n = 0, more = 1;
    memset(out, 0, sizeof(*out));
    while (more) {
        zmq_msg_init(&f);
        if (zmq_msg_recv(&f, sock, n ? 0 : flags) < 0) {
            zmq_msg_close(&f);
            return n ? n : -1;
        }
        if (n == 0)
            out->topic = copy_frame(&f);
        else if (n == 1)
            out->raw = copy_frame(&f);
        else if (n == 2)
            out->third = copy_frame(&f);
        n++;
        more = zmq_msg_more(&f);
        zmq_msg_close(&f);
    }
    if (out->raw != NULL)
        out->ev = json_loads(out->raw, 0, NULL);
    return n;
}

static uint64_t seq_of(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);
    return json_is_integer(v) && json_integer_value(v) > 0
               ? (uint64_t)json_integer_value(v) : 0;
}

/* Whether the daemon turned either socket away (t->refused says why). */
static bool refused(tail *t)
{
    if (!*t->refused && !cli_bus_refused(&t->sub, t->refused, sizeof(t->refused)) &&
        t->replay.s != NULL)
        cli_bus_refused(&t->replay, t->refused, sizeof(t->refused));
    return *t->refused != '\0';
}

/* Waits for the replay socket; 1 readable, 0 timed out, interrupted or
 * refused. */
static int wait_replay(tail *t)
{
    for (int waited = 0; waited < REPLAY_TIMEOUT_MS && !stop_requested; waited += 100) {
        zmq_pollitem_t item = { t->replay.s, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, 100) > 0)
            return 1;
        if (refused(t))
            return 0;
    }
    return 0;
}

/* A fresh replay socket: a request that got no answer must not get one
 * later, in the middle of the next. */
static int reset_replay(tail *t)
{
    cli_bus_close(&t->replay);
    return cli_bus_connect(&t->bus, &t->replay, ZMQ_DEALER, t->replay_ep);
}

/*
 * One request: everything after `since`, printed when newer than last.
 * Returns how many events came (-1: no answer); *oldest gets the oldest
 * seq the journal still has.
 */
static long replay_once(tail *t, uint64_t since, uint64_t *oldest)
{
    char text[32];
    long got = 0;

    snprintf(text, sizeof(text), "%" PRIu64, since);
    zmq_send(t->replay.s, "ICANHAZ?", 8, ZMQ_SNDMORE);
    zmq_send(t->replay.s, text, strlen(text), 0);
    for (;;) {
        message m = { 0 };
        if (!wait_replay(t) || receive(t->replay.s, &m, ZMQ_DONTWAIT) < 2) {
            if (!stop_requested && !*t->refused) {
                fprintf(stderr, "transcriptd tail: no answer from %s; "
                        "will ask again\n", t->replay_ep);
                reset_replay(t);
            }
            message_free(&m);
            return -1;
        }
        if (!strcmp(m.topic, "KTHXBAI")) {
            *oldest = m.third ? strtoull(m.third, NULL, 10) : 0;
            message_free(&m);
            return got;
        }
        if (!strcmp(m.topic, "ERROR")) {
            fprintf(stderr, "transcriptd tail: %s: %s\n", t->replay_ep, m.raw);
            message_free(&m);
            return -1;
        }
        uint64_t seq = seq_of(m.ev, "seq");
        got++;
        if (seq > t->last) {
            emit(t, m.topic, m.ev, m.raw);
            t->last = seq;
        }
        message_free(&m);
    }
}

/*
 * Fetches and prints everything after last.  With `check`, asks from one
 * before last: if even that event is gone, the journal was reset and the
 * daemon is followed again from its start.
 */
static void refill(tail *t, bool check)
{
    if (t->replay.s == NULL)
        return;
    uint64_t from = check && t->last > 0 ? t->last - 1 : t->last;
    for (bool first = true; !stop_requested && !t->failed && !*t->refused;
         first = false) {
        uint64_t oldest = 0, before = t->last;
        long got = replay_once(t, from, &oldest);
        if (got < 0)
            return;
        if (first && check && got == 0 && t->last > 0) {
            fprintf(stderr, "transcriptd tail: the daemon's seq went back "
                    "below %" PRIu64 " (its journal was reset); following it "
                    "from the start\n", t->last);
            t->last = 0;
            from = 0;
            continue;
        }
        if (first && oldest > from + 1)
            fprintf(stderr, "transcriptd tail: events %" PRIu64 " to %" PRIu64
                    " are no longer in the journal\n", from + 1, oldest - 1);
        if (got == 0 || t->last == before)
            return;
        from = t->last;
    }
}

/* ---- the live stream --------------------------------------------------------- */

static void on_heartbeat(tail *t, const message *m)
{
    uint64_t head = seq_of(m->ev, "last_seq");
    if (!t->started) {
        t->started = true;
        t->last = head;
    } else if (head > t->last) {
        refill(t, false);
    } else if (head < t->last) {
        refill(t, true);
    }
    emit(t, m->topic, m->ev, m->raw);
}

static void on_event(tail *t, const message *m)
{
    uint64_t seq = seq_of(m->ev, "seq");
    if (!t->started) {
        t->started = true;
        t->last = seq - 1;
    }
    if (seq <= t->last) {
        /* Seen already through replay, unless the journal was reset. */
        if (!strcmp(m->topic, "daemon.ready"))
            refill(t, true);
        return;
    }
    if (seq > t->last + 1)
        refill(t, false);
    if (seq > t->last) {
        if (seq > t->last + 1)
            fprintf(stderr, "transcriptd tail: events %" PRIu64 " to %" PRIu64
                    " were missed\n", t->last + 1, seq - 1);
        emit(t, m->topic, m->ev, m->raw);
        t->last = seq;
    }
}

/* A reader that went away (`tail | head`) shows as an error on the pipe,
 * even while there is nothing to write. */
static bool stdout_gone(void)
{
    struct pollfd p = { STDOUT_FILENO, 0, 0 };
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static int follow(tail *t)
{
    while (!stop_requested && !t->failed) {
        zmq_pollitem_t item = { t->sub.s, 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll(&item, 1, 500);
        int err = zmq_errno();
        if (refused(t)) {
            fprintf(stderr, "transcriptd tail: %s\n", t->refused);
            return 1;
        }
        if (stdout_gone())
            return 0;
        if (rc < 0 && err != EINTR) {
            fprintf(stderr, "transcriptd tail: %s\n", zmq_strerror(err));
            return 1;
        }
        message m;
        while (!stop_requested && !t->failed && receive(t->sub.s, &m, ZMQ_DONTWAIT) > 0) {
            if (m.ev != NULL && m.raw != NULL) {
                if (!strcmp(m.topic, HEARTBEAT))
                    on_heartbeat(t, &m);
                else if (seq_of(m.ev, "seq") > 0)
                    on_event(t, &m);
            }
            message_free(&m);
        }
    }
    return 0;
}

/* ---- the command ------------------------------------------------------------- */

static int parse(int argc, char **argv, cli_common *cc, tail *t, bool *since_given)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG, CLI_BUS_LONG,
        { "topic", required_argument, NULL, 't' },
        { "since", required_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },
        { 0 },
    };
    int opt;
    char *end;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            printf("usage: %s\n", USAGE);
            return 0;
        } else if (opt == 't') {
            t->topic = optarg;
        } else if (opt == 's') {
            errno = 0;
            t->last = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *optarg == '-' || *end || errno) {
                fprintf(stderr, "transcriptd tail: --since: '%s' is not a seq\n", optarg);
                return 2;
            }
            *since_given = true;
        } else if (opt == 'j') {
            t->json = true;
        } else if (!cli_common_opt(cc, opt, optarg) && !cli_bus_opt(&t->bus, opt, optarg)) {
            fprintf(stderr, "usage: %s\n", USAGE);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "transcriptd: unexpected argument '%s'\nusage: %s\n",
                argv[optind], USAGE);
        return 2;
    }
    return -1;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;        /* no SA_RESTART: zmq_poll returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int run(tail *t, bool since_given)
{
    int hwm = 100000;
    if (cli_bus_init(&t->bus) != 0 ||
        cli_bus_connect(&t->bus, &t->sub, ZMQ_SUB, t->publish_ep) != 0)
        return 1;
    zmq_setsockopt(t->sub.s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(t->sub.s, ZMQ_SUBSCRIBE, "", 0);
    if (t->replay_ep != NULL &&
        cli_bus_connect(&t->bus, &t->replay, ZMQ_DEALER, t->replay_ep) != 0)
        return 1;
    if (since_given) {
        if (t->replay.s == NULL) {
            fprintf(stderr, "transcriptd tail: --since needs [bus] replay\n");
            return 1;
        }
        /* Subscribed first: nothing falls between the replay and the stream. */
        t->started = true;
        refill(t, false);
    }
    if (refused(t)) {
        fprintf(stderr, "transcriptd tail: %s\n", t->refused);
        return 1;
    }
    int rc = follow(t);
    /* A closed pipe is the reader having had enough, not an error. */
    return t->failed ? (t->failed == 2 ? 0 : 1) : rc;
}

int cmd_tail(int argc, char **argv)
{
    cli_common cc = { 0 };
    tail t = { 0 };
    bool since_given = false;
    config c;

    int rc = parse(argc, argv, &cc, &t, &since_given);
    if (rc >= 0)
        return rc;
    if (cli_load_config(&cc, &c) != 0)
        return 1;
    t.publish_ep = c.publish;
    t.replay_ep = *c.replay ? c.replay : NULL;
    catch_signals();
    rc = run(&t, since_given);
    cli_bus_close(&t.sub);
    cli_bus_close(&t.replay);
    cli_bus_term(&t.bus);
    config_free(&c);
    return rc;
}
