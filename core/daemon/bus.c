/*
 * bus.c - see bus.h.
 */
#include "bus.h"

#include "curve.h"
#include "endpoint.h"
#include "log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zmq.h>

#define JOURNAL_SYNC_MS 1000

/*
 * The PUB socket queues send_hwm events per subscriber, then drops.  The
 * others must never drop: a replay answer is at most BUS_REPLAY_MAX events
 * and its end, and a client asks again only once it has them all.
 */
static void *new_socket(bus *b, int type, char *why, size_t whylen)
{
    int linger = 1000, hwm = type == ZMQ_PUB ? b->send_hwm : 2 * BUS_REPLAY_MAX + 2;
    void *s = zmq_socket(b->ctx, type);
    if (s == NULL) {
        snprintf(why, whylen, "cannot create a ZeroMQ socket: %s",
                 zmq_strerror(zmq_errno()));
        return NULL;
    }
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    /* Give the last events a moment to leave at exit, never more. */
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    if (*b->curve_secret && curve_make_server(s, b->curve_secret) != 0) {
        snprintf(why, whylen, "cannot set up CURVE: %s", zmq_strerror(zmq_errno()));
        zmq_close(s);
        return NULL;
    }
    return s;
}

/* ipc files get no permission for others, from the start: the umask covers
 * the moment between bind() and chmod(). */
static int bind_endpoint(bus *b, void *s, const char *key, const char *endpoint,
                         char *why, size_t whylen)
{
    if (!endpoint_is_local(endpoint) && !*b->curve_secret && !b->insecure) {
        snprintf(why, whylen, "[bus] %s: %s is reachable from other machines; "
                 "set curve_server_key and curve_clients, or insecure = yes",
                 key, endpoint);
        return -1;
    }
    mode_t old = umask(0117);
    int rc = zmq_bind(s, endpoint);
    int err = zmq_errno();
    umask(old);
    if (rc != 0) {
        snprintf(why, whylen, "[bus] %s: cannot bind %s: %s", key, endpoint,
                 zmq_strerror(err));
        return -1;
    }
    char bound[4096];
    size_t len = sizeof(bound);
    const char *path;
    if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, bound, &len) == 0 &&
        (path = endpoint_ipc_path(bound)) != NULL) {
        if (*path == '@')
            log_warn("[bus] %s: %s is an abstract socket: every user of this "
                     "machine can connect", key, endpoint);
        else if (chmod(path, 0660) != 0) {
            snprintf(why, whylen, "[bus] %s: cannot restrict %s: %s", key, path,
                     strerror(errno));
            return -1;
        }
    }
    if (!endpoint_is_local(endpoint) && !*b->curve_secret)
        log_warn("[bus] %s: %s is open to other machines without CURVE "
                 "(insecure = yes)", key, endpoint);
    return 0;
}

static int open_socket(bus *b, int type, const char *key, const char *endpoint,
                       void **out, char *why, size_t whylen)
{
    *out = new_socket(b, type, why, whylen);
    return *out ? bind_endpoint(b, *out, key, endpoint, why, whylen) : -1;
}

/* The ZAP handler comes first: a CURVE socket without one lets anyone in. */
static int open_curve(bus *b, const bus_options *o, char *why, size_t whylen)
{
    char z85[CURVE_Z85_LEN + 1], bad[512];
    struct stat st;

    if (curve_key_read(o->curve_server_key, z85, bad, sizeof(bad)) != 0) {
        snprintf(why, whylen, "[bus] curve_server_key: %s", bad);
        return -1;
    }
    if (stat(o->curve_server_key, &st) == 0 && (st.st_mode & 077))
        log_warn("[bus] curve_server_key: %s can be read by others; "
                 "chmod 600 it", o->curve_server_key);
    memcpy(b->curve_secret, z85, sizeof(z85));
    if (zap_open(&b->zap, b->ctx, o->curve_clients, why, whylen) != 0)
        return -1;
    zap_trust_self(&b->zap, z85);
    return 0;
}

static int open_ingest(bus *b, const bus_options *o, char *why, size_t whylen)
{
    void *s = new_socket(b, ZMQ_ROUTER, why, whylen);
    if (s == NULL)
        return -1;
    /* From here the socket is the ingest's, closed by ingest_close(). */
    if (ingest_init(&b->ingest, s, o->inbox, o->work, o->max_file_size, why,
                    whylen) != 0)
        return -1;
    return bind_endpoint(b, s, "ingest", o->ingest, why, whylen);
}

int bus_open(bus *b, const bus_options *o, char *why, size_t whylen)
{
    memset(b, 0, sizeof(*b));
    b->journal.fd = -1;
    b->send_hwm = o->send_hwm > 0 ? o->send_hwm : 100000;
    b->insecure = o->insecure;
    if (journal_open(&b->journal, o->journal_dir, o->journal_events, why, whylen))
        return -1;
    b->seq = b->journal.last_seq;
    b->ctx = zmq_ctx_new();
    if (b->ctx == NULL) {
        snprintf(why, whylen, "cannot start ZeroMQ: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    if (o->curve_server_key && *o->curve_server_key &&
        open_curve(b, o, why, whylen) != 0)
        return -1;
    if (open_socket(b, ZMQ_PUB, "publish", o->publish, &b->pub, why, whylen))
        return -1;
    if (o->replay && *o->replay &&
        open_socket(b, ZMQ_ROUTER, "replay", o->replay, &b->replay, why, whylen))
        return -1;
    if (o->ingest && *o->ingest && open_ingest(b, o, why, whylen) != 0)
        return -1;
    return 0;
}

/* DONTWAIT: a PUB socket drops at the high-water mark; never block. */
static void send_event(void *sock, const char *topic, const char *json, size_t len)
{
    if (zmq_send(sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(sock, json, len, ZMQ_DONTWAIT) < 0)
        log_debug("event %s not sent: %s", topic, zmq_strerror(zmq_errno()));
}

/*
 * Writes the event's JSON into b->text: the fields every event has first
 * (so that a reader of the raw JSON sees the envelope before the payload),
 * then the payload's.  The buffer is reused: no allocation per event once
 * it has grown.  Takes the payload's reference; 0 or -1.
 */
static int format_event(bus *b, const char *topic, const char *seq_key,
                        uint64_t seq, json_t *payload)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    td_buf_reset(&b->text);
    /* Topics and keys are the daemon's own names: nothing to escape. */
    int rc = td_buf_printf(&b->text, "{\"schema\":\"" BUS_SCHEMA "\",\"topic\":\"%s\","
                           "\"%s\":%" PRIu64 ",\"time\":%lld.%06ld", topic, seq_key,
                           seq, (long long)ts.tv_sec, ts.tv_nsec / 1000);
    if (rc == 0)
        rc = td_buf_reserve(&b->text, 2);       /* "}" and the terminator */
    size_t at = b->text.len, need = 0;
    /* Payload objects are small: one pass, a second when it did not fit. */
    for (int pass = 0; rc == 0 && payload != NULL && pass < 2; pass++) {
        need = json_dumpb(payload, b->text.data + at, b->text.cap - at - 1,
                          JSON_COMPACT);
        if (need == 0 || need < b->text.cap - at)
            break;
        rc = td_buf_reserve(&b->text, need);
    }
    json_decref(payload);
    if (rc != 0 || (payload != NULL && need == 0))
        return -1;
    /* "{...}" -> ",...}" continues the envelope; "{}" adds nothing. */
    if (need > 2) {
        b->text.data[at] = ',';
        b->text.len = at + need;
    } else {
        b->text.data[at] = '}';
        b->text.len = at + 1;
    }
    b->text.data[b->text.len] = '\0';
    return 0;
}

uint64_t bus_publish(bus *b, const char *topic, json_t *payload)
{
    uint64_t seq = b->seq + 1;
    /* Out of memory: the seq is not used, so no subscriber waits for it. */
    if (format_event(b, topic, "seq", seq, payload) != 0)
        return b->seq;
    b->seq = seq;
    int rc = journal_append(&b->journal, seq, topic, b->text.data, b->text.len);
    if (rc != 0)
        log_error("event journal: cannot append seq %" PRIu64 ": %s", seq,
                  strerror(-rc));
    if (b->pub != NULL)
        send_event(b->pub, topic, b->text.data, b->text.len);
    return seq;
}

void bus_heartbeat(bus *b, json_t *payload)
{
    if (format_event(b, "daemon.heartbeat", "last_seq", b->seq, payload) == 0 &&
        b->pub != NULL)
        send_event(b->pub, "daemon.heartbeat", b->text.data, b->text.len);
}

/* ---- replay ------------------------------------------------------------------ */

typedef struct replay_ctx {
    void *sock;
    zmq_msg_t *identity;
    uint64_t last;
} replay_ctx;

static int send_identity(replay_ctx *r)
{
    zmq_msg_t copy;
    zmq_msg_init(&copy);
    zmq_msg_copy(&copy, r->identity);
    int rc = zmq_msg_send(&copy, r->sock, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    if (rc < 0)
        zmq_msg_close(&copy);
    return rc < 0 ? -1 : 0;
}

static int replay_one(void *arg, uint64_t seq, const char *topic,
                      const char *json, size_t len)
{
    replay_ctx *r = arg;
    if (send_identity(r) != 0)
        return -1;
    send_event(r->sock, topic, json, len);
    r->last = seq;
    return 0;
}

static void reply_frames(replay_ctx *r, const char *a, const char *b2, const char *c)
{
    if (send_identity(r) != 0)
        return;
    zmq_send(r->sock, a, strlen(a), ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send(r->sock, b2, strlen(b2), (c ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT);
    if (c)
        zmq_send(r->sock, c, strlen(c), ZMQ_DONTWAIT);
}

/* Reads the rest of a multipart message into up to 3 frames. */
static int recv_request(void *sock, char frames[3][64])
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        if (n < 3) {
            size_t len = zmq_msg_size(&m) < 63 ? zmq_msg_size(&m) : 63;
            memcpy(frames[n], zmq_msg_data(&m), len);
            frames[n][len] = '\0';
        }
        n++;
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    return n;
}

static void answer(bus *b, zmq_msg_t *identity, char frames[3][64], int n)
{
    replay_ctx r = { b->replay, identity, 0 };
    char *end;
    unsigned long long since = n >= 2 ? strtoull(frames[1], &end, 10) : 0;

    if (n != 2 || strcmp(frames[0], "ICANHAZ?") != 0 || *frames[1] == '\0' || *end) {
        reply_frames(&r, "ERROR", "expected [\"ICANHAZ?\", \"<seq>\"]", NULL);
        return;
    }
    uint64_t oldest = 0;
    r.last = since;
    long sent = journal_replay(&b->journal, since, BUS_REPLAY_MAX, replay_one, &r,
                               &oldest);
    char last[32], first[32];
    snprintf(last, sizeof(last), "%" PRIu64, r.last);
    snprintf(first, sizeof(first), "%" PRIu64, oldest);
    if (sent < 0)
        reply_frames(&r, "ERROR", "cannot read the event journal", NULL);
    else
        reply_frames(&r, "KTHXBAI", last, first);
}

static int on_replay(zwatch *w)
{
    bus *b = w->data;
    zmq_msg_t identity;
    zmq_msg_init(&identity);
    if (zmq_msg_recv(&identity, b->replay, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&identity);
        return -1;
    }
    char frames[3][64];
    int n = zmq_msg_more(&identity) ? recv_request(b->replay, frames) : 0;
    if (n >= 0)
        answer(b, &identity, frames, n);
    zmq_msg_close(&identity);
    return 0;
}

static void on_sync(uv_timer_t *t)
{
    bus *b = t->data;
    journal_sync(&b->journal);
}

void bus_attach(bus *b, uv_loop_t *loop)
{
    if (b->zap.sock != NULL)
        zap_attach(&b->zap, loop);
    ingest_attach(&b->ingest, loop);
    uv_timer_init(loop, &b->sync_timer);
    b->sync_timer.data = b;
    uv_timer_start(&b->sync_timer, on_sync, JOURNAL_SYNC_MS, JOURNAL_SYNC_MS);
    if (b->replay != NULL)
        zwatch_start(&b->replay_watch, loop, b->replay, on_replay, b);
    b->attached = 1;
}

void bus_detach(bus *b)
{
    if (!b->attached)
        return;
    uv_close((uv_handle_t *)&b->sync_timer, NULL);
    zwatch_stop(&b->replay_watch);
    ingest_detach(&b->ingest);
    zap_detach(&b->zap);
    b->attached = 0;
}

void bus_close(bus *b)
{
    if (b->pub)
        zmq_close(b->pub);
    if (b->replay)
        zmq_close(b->replay);
    ingest_close(&b->ingest);
    zap_close(&b->zap);
    if (b->ctx)
        zmq_ctx_term(b->ctx);
    journal_close(&b->journal);
    td_buf_free(&b->text);
    memset(b, 0, sizeof(*b));
}
