/*
 * daemon.c - see daemon.h.
 *
 * Everything here runs on the loop thread: the watcher, the bus socket and
 * the queues.  Documents are processed by the pool's workers; their
 * results come back through pool callbacks, also on the loop thread.
 */
#include "daemon.h"

#include "bus.h"
#include "job.h"
#include "internal.h"
#include "log.h"
#include "paths.h"
#include "pool.h"
#include "spool.h"
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct daemon_state {
    uv_loop_t *loop;
    const config *c;
    const chain *ch;
    job_env env;
    bus *bus;
    pool pool;
    watch watch;
    uv_signal_t sigint, sigterm;
    uv_timer_t heartbeat;
    uint64_t started_ms;
    nameq recovered;        /* claimed before a crash: already in work/ */
    nameq pending;          /* in the drop folder, not yet claimed */
    nameq deferred;         /* a file of the same name is still in work/ */
    bool rescan;            /* names were left out of a full queue */
    size_t inflight;
    size_t max_inflight;
    bool stopping;
    unsigned long long files_done, files_failed;
} daemon_state;

static void dispatch(daemon_state *d);
static void queue_pending(const char *name, void *arg);

static void finish(daemon_state *d)
{
    bus_publish(d->bus, "daemon.stopping",
                json_pack("{s:I, s:I}", "done", (json_int_t)d->files_done,
                          "failed", (json_int_t)d->files_failed));
    bus_detach(d->bus);
    uv_close((uv_handle_t *)&d->heartbeat, NULL);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
    pool_stop(&d->pool);
}

static void on_job_done(pool_task *t)
{
    job *j = (job *)t;
    daemon_state *d = j->owner;

    d->inflight--;
    if (j->ok)
        d->files_done++;
    else
        d->files_failed++;
    bus_publish(d->bus, j->ok ? "transcript.done" : "transcript.failed",
                j->event);
    j->event = NULL;
    spool_unmark(d->c->work, j->name);
    job_free(j);

    /* A name that waited for this one's work/ slot may go now. */
    for (char *name; (name = nameq_pop(&d->deferred)) != NULL; free(name))
        nameq_push(&d->pending, name);
    if (d->stopping && d->inflight == 0)
        finish(d);
    else
        dispatch(d);
}

static void job_work(pool_task *t)
{
    job_run((job *)t);
}

static void start_job(daemon_state *d, const char *name, bool recovered)
{
    char *path = path_join(d->c->work, name);
    job *j = path ? job_new(name, path, d->ch, &d->env) : NULL;
    free(path);
    if (j == NULL) {
        log_file(LOG_ERR, name, NULL, NULL, "out of memory; left in %s", d->c->work);
        return;
    }
    j->owner = d;
    j->task.work = job_work;
    j->task.done = on_job_done;
    d->inflight++;
    bus_publish(d->bus, "transcript.received",
                json_pack("{s:s, s:o, s:b}", "source", j->label,
                          "path", td__json_string_lossy(j->path),
                          "recovered", recovered));
    pool_submit(&d->pool, &j->task);
}

/* Claims and starts files while workers have room. */
static void dispatch(daemon_state *d)
{
    char *name;

    while (!d->stopping && d->inflight < d->max_inflight) {
        if ((name = nameq_pop(&d->recovered)) != NULL) {
            start_job(d, name, true);
            free(name);
            continue;
        }
        if ((name = nameq_pop(&d->pending)) == NULL) {
            if (!d->rescan)
                return;
            /* The queue was full: the names left out are on the disk. */
            d->rescan = false;
            spool_scan(d->c->inbox, queue_pending, d);
            if (d->pending.n == 0)
                return;
            continue;
        }
        int rc = spool_claim(d->c->inbox, d->c->work, name);
        if (rc == 0)
            start_job(d, name, false);
        else if (rc == -EEXIST)
            nameq_push(&d->deferred, name);
        else if (rc != -ENOENT && rc != -EINVAL)
            log_file(LOG_WARNING, name, NULL, "claim", "cannot claim: %s",
                     strerror(-rc));
        free(name);
    }
}

/*
 * The queue is bounded: past max_queue a name is left in the drop folder,
 * to be found by the rescan that dispatch() makes once the queue drains.
 * A burst of any size costs memory for max_queue names at most.  Until
 * that rescan, new names wait on the disk too: the scan takes them oldest
 * first, so none waits behind newer ones for ever.
 */
static void queue_pending(const char *name, void *arg)
{
    daemon_state *d = arg;
    if (d->rescan)
        return;
    if (d->pending.n >= (size_t)d->c->max_queue) {
        log_info("more than %lld files waiting; the rest are taken from %s "
                 "as the queue drains", d->c->max_queue, d->c->inbox);
        d->rescan = true;
        return;
    }
    if (nameq_push(&d->pending, name) < 0) {
        log_file(LOG_ERR, name, NULL, NULL, "out of memory; will retry at the next scan");
        d->rescan = true;
    }
}

static void queue_recovered(const char *name, void *arg)
{
    daemon_state *d = arg;
    log_file(LOG_NOTICE, name, NULL, NULL, "found in %s after a restart; "
             "processing it again", d->c->work);
    spool_forget_failure(d->c->failed, name);
    nameq_push(&d->recovered, name);
}

static void on_file(watch *w, const char *name)
{
    daemon_state *d = w->data;
    if (!spool_wanted_name(name) || d->stopping)
        return;
    queue_pending(name, d);
    dispatch(d);
}

/* A name that no close will follow: a link, FIFO or socket is refused now. */
static void on_created(watch *w, const char *name)
{
    daemon_state *d = w->data;
    if (!spool_wanted_name(name) || d->stopping)
        return;
    switch (spool_entry_kind(d->c->inbox, name)) {
    case SPOOL_SPECIAL:
        on_file(w, name);
        break;
    case SPOOL_DIR:
        log_file(LOG_NOTICE, name, NULL, NULL, "a directory in %s: ignored "
                 "(only files are processed)", d->c->inbox);
        break;
    default:
        break;          /* a file being written, or gone */
    }
}

static void on_overflow(watch *w)
{
    daemon_state *d = w->data;
    spool_scan(d->c->inbox, queue_pending, d);
    dispatch(d);
}

static void on_signal(uv_signal_t *h, int signum)
{
    daemon_state *d = h->data;
    if (d->stopping)
        return;
    log_info("%s: finishing %zu file(s) in flight, then stopping",
             strsignal(signum), d->inflight);
    d->stopping = true;
    watch_stop(&d->watch);
    if (d->inflight == 0)
        finish(d);
}

static void on_heartbeat(uv_timer_t *t)
{
    daemon_state *d = t->data;
    bus_heartbeat(d->bus,
                json_pack("{s:I, s:I, s:I, s:I, s:I, s:b}",
                          "uptime_ms", (json_int_t)(uv_now(d->loop) - d->started_ms),
                          "queued", (json_int_t)(d->pending.n + d->recovered.n + d->deferred.n),
                          "in_flight", (json_int_t)d->inflight,
                          "done", (json_int_t)d->files_done,
                          "failed", (json_int_t)d->files_failed,
                          "stopping", d->stopping));
}

static json_t *ready_payload(const daemon_state *d)
{
    json_t *plugins = json_array();
    for (size_t i = 0; i < d->ch->nstages; i++)
        json_array_append_new(plugins, json_string(d->ch->stages[i].p->name));
    return json_pack("{s:i, s:s, s:s, s:s, s:I, s:o}", "pid", (int)getpid(),
                     "version", TD_VERSION_STRING, "inbox", d->c->inbox,
                     "outbox", d->c->outbox, "workers", (json_int_t)d->pool.nthreads,
                     "chain", plugins);
}

/* ---- moves announced before a crash ----------------------------------------- */

/* How far back the journal is read: more than can be in flight at a crash. */
#define RECENT_EVENTS 4096

/*
 * Reads the journal's tail into { source: path } for the files whose last
 * event is a final one: a transcript.received forgets an earlier outcome
 * of a file of the same name.
 */
static int note_outcome(void *arg, uint64_t seq, const char *topic,
                        const char *json, size_t len)
{
    json_t *outcomes = arg;
    bool received = strcmp(topic, "transcript.received") == 0;
    (void)seq;
    if (!received && strcmp(topic, "transcript.done") != 0 &&
        strcmp(topic, "transcript.failed") != 0)
        return 0;
    json_t *o = json_loadb(json, len, 0, NULL);
    const char *source = json_string_value(json_object_get(o, "source"));
    json_t *path = json_object_get(o, "path");
    if (source != NULL && received)
        json_object_del(outcomes, source);
    else if (source != NULL && json_is_string(path))
        json_object_set(outcomes, source, path);
    json_decref(o);
    return 0;
}

static bool announced(const char *path, const char *name, void *arg)
{
    /* Named as events name files: invalid UTF-8 as U+FFFD. */
    json_t *source = td__json_string_lossy(name), *where = td__json_string_lossy(path);
    json_t *seen = source ? json_object_get(arg, json_string_value(source)) : NULL;
    bool found = seen != NULL && json_equal(seen, where);
    json_decref(source);
    json_decref(where);
    return found;
}

/* Brings back the files that left work/ unannounced (see spool.h). */
static void bring_back(daemon_state *d)
{
    journal *jn = &d->bus->journal;
    json_t *outcomes = json_object();
    journal_replay(jn, jn->last_seq > RECENT_EVENTS ? jn->last_seq - RECENT_EVENTS : 0,
                   RECENT_EVENTS, note_outcome, outcomes, NULL);
    spool_bring_back(d->c, announced, outcomes);
    json_decref(outcomes);
}

static int start(daemon_state *d, td_buf *errors)
{
    int rc;

    if (spool_prepare(d->c, errors) != 0 || spool_recover(d->c, errors) != 0)
        return -1;
    long workers = d->c->workers ? d->c->workers : sysconf(_SC_NPROCESSORS_ONLN);
    if ((rc = pool_start(&d->pool, d->loop, workers > 0 ? (int)workers : 1)) != 0) {
        td_buf_printf(errors, "cannot start worker threads: %s\n", uv_strerror(rc));
        return -1;
    }
    /* Enough in flight that a worker never waits for the loop. */
    d->max_inflight = (size_t)d->pool.nthreads * 2;

    d->watch.data = d;
    d->watch.on_create = on_created;
    /* The watch comes first, then the scan: a file landing in between is
     * seen twice at worst, and the queue drops the second. */
    if ((rc = watch_start(&d->watch, d->loop, d->c->inbox, on_file, on_overflow))) {
        td_buf_printf(errors, "cannot watch %s: %s\n", d->c->inbox, strerror(-rc));
        return -1;
    }
    uv_signal_init(d->loop, &d->sigint);
    uv_signal_init(d->loop, &d->sigterm);
    d->sigint.data = d->sigterm.data = d;
    uv_signal_start(&d->sigint, on_signal, SIGINT);
    uv_signal_start(&d->sigterm, on_signal, SIGTERM);

    bus_attach(d->bus, d->loop);
    d->started_ms = uv_now(d->loop);
    uv_timer_init(d->loop, &d->heartbeat);
    d->heartbeat.data = d;
    if (d->c->heartbeat_ms > 0)
        uv_timer_start(&d->heartbeat, on_heartbeat, (uint64_t)d->c->heartbeat_ms,
                       (uint64_t)d->c->heartbeat_ms);

    bring_back(d);
    spool_scan(d->c->work, queue_recovered, d);
    spool_scan(d->c->inbox, queue_pending, d);
    dispatch(d);
    bus_publish(d->bus, "daemon.ready", ready_payload(d));
    log_info("ready: watching %s, outputs in %s, events on %s, %d worker(s)",
             d->c->inbox, d->c->outbox, d->c->publish, d->pool.nthreads);
    return 0;
}

int daemon_run(const config *c, const chain *ch, bus *b)
{
    daemon_state d = {
        .loop = uv_default_loop(), .c = c, .ch = ch, .bus = b,
        .env = { c->outbox, c->done, c->failed, c->fsync, c->max_file_size,
                 c->job_timeout, c->max_doc_memory },
    };
    td_buf errors = TD_BUF_INIT;
    int status = 0;

    nameq_init(&d.recovered);
    nameq_init(&d.pending);
    nameq_init(&d.deferred);
    d.watch.fd = -1;
    if (start(&d, &errors) != 0) {
        log_error("cannot start: %s", errors.data ? errors.data : "unknown error");
        status = 1;
        /* Close what was opened so the loop can end. */
        watch_stop(&d.watch);
        if (d.pool.threads)
            pool_stop(&d.pool);
    }
    uv_run(d.loop, UV_RUN_DEFAULT);
    if (status == 0)
        log_info("stopped: %llu done, %llu failed", d.files_done, d.files_failed);
    uv_loop_close(d.loop);
    nameq_free(&d.recovered);
    nameq_free(&d.pending);
    nameq_free(&d.deferred);
    td_buf_free(&errors);
    return status;
}
