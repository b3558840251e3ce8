/*
 * broker.c - see broker.h: the workers' socket, the workers that said
 * READY, jobs handed to the least recently used idle one, heartbeats and
 * deadlines.  Loop thread.
 */
#include "broker_int.h"

#include "curve.h"
#include "endpoint.h"
#include "internal.h"

#include "log.h"
#include "paths.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <transcriptd/version.h>
#include <unistd.h>

#define TICK_MS 100

uint64_t broker_now(const broker *b)
{
    return uv_now(b->loop);
}

/* ---- the workers known ---------------------------------------------------- */

static peer *peer_find(broker *b, const void *id, size_t len)
{
    for (peer *p = b->peers; p != NULL; p = p->next)
        if (p->idlen == len && memcmp(p->id, id, len) == 0)
            return p;
    return NULL;
}

static void peer_remove(broker *b, peer *p)
{
    for (peer **pp = &b->peers; *pp != NULL; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    if (p->local != NULL && p->local->peer == p)
        p->local->peer = NULL;
    b->npeers--;
    free(p);
}

static int send_cmd(broker *b, const peer *p, const char *cmd)
{
    wire_part part = wire_s(cmd);
    return wire_send(b->sock, p->id, p->idlen, &part, 1);
}

static bool idle(const peer *p)
{
    return p->job == NULL && !p->busy_elsewhere && !p->unreachable && !p->stale;
}

/*
 * worker.joined / worker.left on the bus: who (name, host, pid), how many
 * workers there are now, and for a worker that left, why and the file it
 * had (given to another worker or failed, see transcript.* events).
 */
static void announce(broker *b, const peer *p, const char *topic, size_t workers,
                     const char *reason, const char *message, const ticket *t)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:I}", "worker", p->name, "host", p->host,
                          "pid", p->pid, "workers", (json_int_t)workers);
    if (o == NULL)
        return;
    if (reason != NULL) {
        json_object_set_new(o, "reason", json_string(reason));
        json_object_set_new(o, "message", td__json_string_lossy(message));
        json_object_set_new(o, "source", t ? td__json_string_lossy(t->j->label)
                                           : json_null());
    }
    b->x.cb.announce(topic, o, b->x.cb.arg);
}

/* Tells a worker on an older config to start over; it says READY again. */
static void restart_peer(broker *b, peer *p)
{
    log_info("worker %s restarts for the new configuration", p->name);
    send_cmd(b, p, "RESTART");
    announce(b, p, "worker.left", b->npeers - 1, "reconfigured",
             "restarting for the new configuration", NULL);
    peer_remove(b, p);
}

/* ---- handing out jobs ------------------------------------------------------- */

void broker_enqueue(broker *b, ticket *t)
{
    if (t->retry) {
        t->next = b->head;
        b->head = t;
        if (b->tail == NULL)
            b->tail = t;
        return;
    }
    t->next = NULL;
    if (b->tail != NULL)
        b->tail->next = t;
    else
        b->head = t;
    b->tail = t;
}

static ticket *dequeue(broker *b)
{
    ticket *t = b->head;
    if (t != NULL && (b->head = t->next) == NULL)
        b->tail = NULL;
    return t;
}

static peer *least_recently_used(broker *b)
{
    peer *best = NULL;
    for (peer *p = b->peers; p != NULL; p = p->next)
        if (idle(p) && (best == NULL || p->idle_seq < best->idle_seq))
            best = p;
    return best;
}

/* Gives t to p; false when p cannot be reached (t stays queued). */
static bool give(broker *b, peer *p, ticket *t)
{
    char id[24];
    uint64_t next = b->next_id + 1;
    snprintf(id, sizeof(id), "%" PRIu64, next);
    wire_part parts[] = { wire_s("JOB"), wire_s(id), wire_s(t->j->name),
                          { t->bytes, t->len } };
    if (wire_send(b->sock, p->id, p->idlen, parts, 4) != 0) {
        log_debug("worker %s: cannot send it a job: %s", p->name,
                  zmq_strerror(zmq_errno()));
        return false;
    }
    b->next_id = next;
    t->id = next;
    t->attempts++;
    ticket_sent(t);
    p->job = t;
    p->job_ms = broker_now(b);
    snprintf(p->plugin, sizeof(p->plugin), "core");
    snprintf(p->stage, sizeof(p->stage), "decode");
    log_debug("%s: job %s to worker %s (attempt %d)", t->j->label, id, p->name,
              t->attempts);
    return true;
}

void broker_pump(broker *b)
{
    peer *p;
    while (b->head != NULL && (p = least_recently_used(b)) != NULL) {
        ticket *t = dequeue(b);
        if (give(b, p, t))
            continue;
        /* Back in front; a local worker's end is near, a remote one is gone. */
        t->next = b->head;
        b->head = t;
        if (b->tail == NULL)
            b->tail = t;
        p->unreachable = true;
        if (p->local == NULL)
            broker_peer_lost(b, p, LOSS_LEFT, 0);
    }
}

/* ---- losing workers ------------------------------------------------------- */

/* Why a job failed with its worker, naming the plugin it was in. */
static void describe(const broker *b, const peer *p, int kind, int arg, char *buf,
                     size_t len)
{
    char who[128];
    bool core = strcmp(p->plugin, "core") == 0;
    if (core)
        snprintf(who, sizeof(who), "the worker (in its %s step)", p->stage);
    else
        snprintf(who, sizeof(who), "plugin %s", p->plugin);
    switch (kind) {
    case LOSS_SIGNAL:
        snprintf(buf, len, "%s crashed (SIG%s)", who,
                 sigabbrev_np(arg) ? sigabbrev_np(arg) : "?");
        break;
    case LOSS_EXIT:
        snprintf(buf, len, "%s: the worker exited with status %d", who, arg);
        break;
    case LOSS_SILENT:
        snprintf(buf, len, "%s: worker %s stopped answering", who, p->name);
        break;
    case LOSS_TIMEOUT:
        snprintf(buf, len, "timed out after %" PRIu64 " s (job_timeout) in %s",
                 b->timeout_ms / 1000, who);
        break;
    case LOSS_RESTARTED:
        snprintf(buf, len, "%s: worker %s started over", who, p->name);
        break;
    default:
        snprintf(buf, len, "%s: worker %s left", who, p->name);
        break;
    }
}

void broker_peer_lost(broker *b, peer *p, int kind, int arg)
{
    static const char *const HOW[] = {
        [LOSS_LEFT] = "left", [LOSS_SIGNAL] = "was killed by a signal",
        [LOSS_EXIT] = "exited", [LOSS_SILENT] = "stopped answering",
        [LOSS_TIMEOUT] = "timed out", [LOSS_RESTARTED] = "started over",
    };
    /* The reason field of worker.left (docs/events.md). */
    static const char *const REASON[] = {
        [LOSS_LEFT] = "left", [LOSS_SIGNAL] = "killed", [LOSS_EXIT] = "exited",
        [LOSS_SILENT] = "silent", [LOSS_TIMEOUT] = "timed_out",
        [LOSS_RESTARTED] = "started_over",
    };
    char why[400], message[600];
    describe(b, p, kind, arg, why, sizeof(why));
    ticket *t = p->job;
    p->job = NULL;
    if (t == NULL && !b->stopping)
        log_info("worker %s %s", p->name, HOW[kind]);
    snprintf(message, sizeof(message), "worker %s %s%s%s", p->name, HOW[kind],
             t ? ": " : "", t ? why : "");
    if (!b->stopping)
        announce(b, p, "worker.left", b->npeers - 1, REASON[kind], message, t);
    char plugin[64], where[16];
    snprintf(plugin, sizeof(plugin), "%s", p->plugin);
    snprintf(where, sizeof(where), "%s", p->stage);
    peer_remove(b, p);
    if (t != NULL)
        ticket_lost(t, plugin, where, why);
    broker_pump(b);
}

/* ---- messages --------------------------------------------------------------- */

/* READY <json>: a worker (again) on a new session. */
static void on_ready(broker *b, peer *p, wire_msg *m, const void *id, size_t idlen)
{
    json_t *o = m->n >= 4 ? json_loadb(zmq_msg_data(&m->f[3]), zmq_msg_size(&m->f[3]),
                                       0, NULL) : NULL;
    const char *name = json_string_value(json_object_get(o, "name"));
    if (name == NULL || idlen > sizeof(p->id)) {
        log_warn("a worker said READY without its name: ignored");
        json_decref(o);
        return;
    }
    if (p != NULL)          /* the same session, again: it started over */
        broker_peer_lost(b, p, LOSS_RESTARTED, 0);
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        json_decref(o);
        return;
    }
    memcpy(p->id, id, idlen);
    p->idlen = idlen;
    snprintf(p->name, sizeof(p->name), "%s", name);
    const char *host = json_string_value(json_object_get(o, "host"));
    snprintf(p->host, sizeof(p->host), "%s", host ? host : "?");
    p->pid = (int)json_integer_value(json_object_get(o, "pid"));
    const char *version = json_string_value(json_object_get(o, "version"));
    if (version == NULL || strcmp(version, TD_VERSION_STRING) != 0)
        log_warn("worker %s runs transcriptd %s, the daemon %s", p->name,
                 version ? version : "?", TD_VERSION_STRING);
    p->busy_elsewhere = json_is_true(json_object_get(o, "busy"));
    p->heard_ms = broker_now(b);
    p->idle_seq = ++b->idle_seq;
    p->next = b->peers;
    b->peers = p;
    b->npeers++;
    json_decref(o);
    local_match(b, p);
    log_info("worker %s (pid %d on %s) ready; %zu worker(s)", p->name, p->pid,
             p->host, b->npeers);
    announce(b, p, "worker.joined", b->npeers, NULL, NULL, NULL);
    broker_pump(b);
    b->x.cb.room(b->x.cb.arg);
}

static bool job_matches(const peer *p, const wire_msg *m, size_t i)
{
    char id[24];
    wire_str(m, i, id, sizeof(id));
    return p->job != NULL && strtoull(id, NULL, 10) == p->job->id;
}

/* RESULT <id> <status> <event> [<ext> <bytes>]... */
static void on_result(broker *b, peer *p, wire_msg *m)
{
    if (!job_matches(p, m, 3)) {
        /* A job of an earlier session, given to another worker since. */
        log_debug("worker %s: a result that is not for its job now: dropped", p->name);
        if (p->busy_elsewhere) {
            p->busy_elsewhere = false;
            p->idle_seq = ++b->idle_seq;
        }
    } else {
        ticket *t = p->job;
        p->job = NULL;
        p->idle_seq = ++b->idle_seq;
        ticket_result(t, m, 4);
    }
    if (p->stale && p->job == NULL && !p->busy_elsewhere)
        restart_peer(b, p);
    broker_pump(b);
}

static void on_message(broker *b, wire_msg *m)
{
    if (m->n < 3 || !wire_is(m, 1, WIRE_PROTOCOL)) {
        log_debug("workers socket: a message that is not " WIRE_PROTOCOL);
        return;
    }
    const void *id = zmq_msg_data(&m->f[0]);
    size_t idlen = zmq_msg_size(&m->f[0]);
    peer *p = peer_find(b, id, idlen);
    if (wire_is(m, 2, "READY")) {
        on_ready(b, p, m, id, idlen);
        return;
    }
    if (p == NULL) {
        /* Gone for us (silent too long, or from before a restart): it
         * must say READY again. */
        if (wire_is(m, 2, "HEARTBEAT")) {
            wire_part part = wire_s("DISCONNECT");
            wire_send(b->sock, id, idlen, &part, 1);
        }
        return;
    }
    p->heard_ms = broker_now(b);
    if (wire_is(m, 2, "PROGRESS") && m->n == 6) {
        if (job_matches(p, m, 3)) {
            wire_str(m, 4, p->plugin, sizeof(p->plugin));
            wire_str(m, 5, p->stage, sizeof(p->stage));
        }
    } else if (wire_is(m, 2, "RESULT") && m->n >= 6) {
        on_result(b, p, m);
    } else if (wire_is(m, 2, "DISCONNECT")) {
        broker_peer_lost(b, p, LOSS_LEFT, 0);
    } else if (!wire_is(m, 2, "HEARTBEAT")) {
        log_debug("worker %s: an unknown or malformed command: ignored", p->name);
    }
}

/* ZMQ_FD is edge-triggered: drain everything each time (see bus.c). */
static void drain(broker *b)
{
    for (;;) {
        int events = 0;
        size_t sz = sizeof(events);
        if (zmq_getsockopt(b->sock, ZMQ_EVENTS, &events, &sz) != 0 ||
            !(events & ZMQ_POLLIN))
            return;
        wire_msg m;
        if (wire_recv(b->sock, &m) != 0)
            return;
        on_message(b, &m);
        wire_close(&m);
    }
}

static void on_readable(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    drain(h->data);
}

/*
 * Sending may consume the edge the poll waits for: drain once more
 * before the loop sleeps.
 */
static void on_prepare(uv_prepare_t *h)
{
    drain(h->data);
}

/* ---- heartbeats and deadlines ----------------------------------------------- */

static void on_tick(uv_timer_t *h)
{
    broker *b = h->data;
    uint64_t now = broker_now(b);
    if (now >= b->next_beat) {
        for (peer *p = b->peers; p != NULL; p = p->next)
            send_cmd(b, p, "HEARTBEAT");
        b->next_beat = now + WIRE_HEARTBEAT_MS;
    }
    for (peer *p = b->peers, *next; p != NULL; p = next) {
        next = p->next;
        bool silent = now - p->heard_ms > (uint64_t)WIRE_HEARTBEAT_MS * WIRE_LIVENESS;
        bool late = p->job != NULL && b->timeout_ms > 0 &&
                    now - p->job_ms > b->timeout_ms;
        if (!silent && !late)
            continue;
        if (p->local != NULL) {
            local_where(p->local, p);
            local_kill(p->local);
        } else if (late) {
            /* A plugin that never returns: only a new process ends it. */
            send_cmd(b, p, "RESTART");
        }
        broker_peer_lost(b, p, late ? LOSS_TIMEOUT : LOSS_SILENT, 0);
        next = b->peers;        /* the list changed */
    }
}

/* ---- the executor ----------------------------------------------------------- */

static void broker_submit(executor *x, job *j)
{
    ticket_submit((broker *)x, j);
}

/* Two per worker: one running, one read and waiting. */
static size_t broker_capacity(const executor *x)
{
    return ((const broker *)x)->npeers * 2;
}

/* Local ones (running or starting), and the others connected now. */
static int broker_workers(const executor *x)
{
    const broker *b = (const broker *)x;
    int n = b->nslots;
    for (const peer *p = b->peers; p != NULL; p = p->next)
        n += p->local == NULL;
    return n;
}

static void broker_reload(executor *x, const config *c)
{
    broker *b = (broker *)x;
    b->timeout_ms = (uint64_t)c->job_timeout * 1000;
    for (peer *p = b->peers, *next; p != NULL; p = next) {
        next = p->next;
        p->stale = true;
        if (p->job == NULL && !p->busy_elsewhere)
            restart_peer(b, p);
    }
}

static void broker_stop(executor *x)
{
    broker *b = (broker *)x;
    b->stopping = true;
    /* Remote workers wait for the next daemon; local ones end. */
    for (peer *p = b->peers; p != NULL; p = p->next)
        if (p->local == NULL)
            send_cmd(b, p, "DISCONNECT");
    if (b->poll_open) {
        uv_close((uv_handle_t *)&b->poll, NULL);
        uv_close((uv_handle_t *)&b->prepare, NULL);
    }
    if (b->tick_open)
        uv_close((uv_handle_t *)&b->tick, NULL);
    b->poll_open = b->tick_open = false;
    if (b->io_open)
        pool_stop(&b->io);
    b->io_open = false;
    local_stop(b);
}

static void broker_free(executor *x)
{
    broker *b = (broker *)x;
    if (b->sock != NULL)
        zmq_close(b->sock);
    while (b->peers != NULL)
        peer_remove(b, b->peers);
    for (ticket *t; (t = dequeue(b)) != NULL;)
        ticket_free(t);
    free(b->slots);
    free(b->endpoint);
    free(b->config_path);
    free(b->scratch);
    free(b);
}

static const executor_ops BROKER_OPS = {
    broker_submit, broker_capacity, broker_workers, broker_reload,
    broker_stop, broker_free,
};

/*
 * Hook for CURVE: when the bus's keys are configured, the workers' socket
 * is a CURVE server as the bus's are, and the bus's ZAP handler (same
 * context) lets in only the workers whose public keys are listed.  Without
 * keys, a plain socket.  0, or -1 with why.
 */
/*
 * Documents cross this socket: CURVE on tcp when the bus has keys (the bus's
 * ZAP handler, in the same context, checks the workers' keys), and never
 * open to other machines without it.  An ipc socket is local by nature.
 */
static int secure_socket(void *sock, const config *c, char *why, size_t len)
{
    const char *ep = c->workers_endpoint;
    if (strncmp(ep, "ipc://", 6) == 0)
        return 0;
    if (!*c->curve_server_key) {
        if (endpoint_is_local(ep) || c->insecure)
            return 0;
        snprintf(why, len, "[daemon] workers_endpoint: %s is reachable from other "
                 "machines; set [bus] curve_server_key and curve_clients, or "
                 "[bus] insecure = yes", ep);
        return -1;
    }
    char z85[CURVE_Z85_LEN + 1];
    if (curve_key_read(c->curve_server_key, z85, why, len) != 0)
        return -1;
    int rc = curve_make_server(sock, z85);
    explicit_bzero(z85, sizeof(z85));
    if (rc != 0)
        snprintf(why, len, "[daemon] workers_endpoint: cannot set up CURVE: %s",
                 zmq_strerror(zmq_errno()));
    return rc;
}

static int open_socket(broker *b, const config *c, void *ctx, td_buf *errors)
{
    char why[512] = "";
    int one = 1, linger = 0;
    /* Outputs come back whole in one frame: bounded, but generously. */
    int64_t max = c->max_file_size > 0 ? 16 * c->max_file_size : 0;
    if (max < (int64_t)256 << 20)
        max = (int64_t)256 << 20;

    b->sock = zmq_socket(ctx, ZMQ_ROUTER);
    if (b->sock == NULL) {
        td_buf_printf(errors, "cannot create the workers socket: %s\n",
                      zmq_strerror(zmq_errno()));
        return -1;
    }
    zmq_setsockopt(b->sock, ZMQ_ROUTER_MANDATORY, &one, sizeof(one));
    zmq_setsockopt(b->sock, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(b->sock, ZMQ_MAXMSGSIZE, &max, sizeof(max));
    if (secure_socket(b->sock, c, why, sizeof(why)) != 0) {
        td_buf_printf(errors, "%s\n", why);
        return -1;
    }
    if (zmq_bind(b->sock, c->workers_endpoint) != 0) {
        td_buf_printf(errors, "[daemon] workers_endpoint: cannot bind %s: %s\n",
                      c->workers_endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    if (!endpoint_is_local(c->workers_endpoint) && !*c->curve_server_key)
        log_warn("[daemon] workers_endpoint %s can be reached from other machines, "
                 "and documents go over it unencrypted (insecure = yes)",
                 c->workers_endpoint);
    return 0;
}

static int attach(broker *b, td_buf *errors)
{
    int fd;
    size_t sz = sizeof(fd);
    if (zmq_getsockopt(b->sock, ZMQ_FD, &fd, &sz) != 0) {
        td_buf_printf(errors, "the workers socket has no descriptor: %s\n",
                      zmq_strerror(zmq_errno()));
        return -1;
    }
    uv_poll_init(b->loop, &b->poll, fd);
    uv_prepare_init(b->loop, &b->prepare);
    b->poll.data = b->prepare.data = b;
    b->poll_open = true;
    uv_poll_start(&b->poll, UV_READABLE, on_readable);
    uv_prepare_start(&b->prepare, on_prepare);
    uv_timer_init(b->loop, &b->tick);
    b->tick.data = b;
    b->tick_open = true;
    uv_timer_start(&b->tick, on_tick, TICK_MS, TICK_MS);
    return 0;
}

int broker_start(uv_loop_t *loop, const config *c, const cli_common *cc,
                 void *zmq_ctx, const executor_callbacks *cb, executor **out,
                 td_buf *errors)
{
    broker *b = calloc(1, sizeof(*b));
    *out = b ? &b->x : NULL;
    if (b == NULL) {
        td_buf_printf(errors, "out of memory\n");
        return -1;
    }
    b->x = (executor){ &BROKER_OPS, *cb };
    b->loop = loop;
    b->timeout_ms = (uint64_t)c->job_timeout * 1000;
    b->verbosity = cc->verbosity;
    /* Job ids differ from a previous run's: a worker's late answer from
     * before a restart can never match. */
    b->next_id = (uint64_t)time(NULL) << 20;
    b->endpoint = strdup(c->workers_endpoint);
    b->config_path = cc->config_path ? path_absolute(cc->config_path) : NULL;
    b->scratch = path_join(c->state, "workers");
    if (b->endpoint == NULL || b->scratch == NULL ||
        (cc->config_path && b->config_path == NULL)) {
        td_buf_printf(errors, "out of memory\n");
        return -1;
    }
    if (open_socket(b, c, zmq_ctx, errors) != 0 || attach(b, errors) != 0)
        return -1;
    int rc = pool_start(&b->io, loop, 2);
    b->io_open = b->io.wake.loop == loop;
    if (rc != 0) {
        td_buf_printf(errors, "cannot start I/O threads: %s\n", uv_strerror(rc));
        return -1;
    }
    if (local_start(b, (int)c->workers, errors) != 0)
        return -1;
    if (c->workers == 0)
        log_info("isolation = process without local workers: files wait for "
                 "`transcriptd worker --connect %s`", c->workers_endpoint);
    return 0;
}
