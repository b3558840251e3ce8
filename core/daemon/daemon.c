/*
 * daemon.c - see daemon.h.
 *
 * Everything here runs on the loop thread: the watcher, the bus socket and
 * the queues.  Documents are processed by the executor (threads or worker
 * processes); their results come back through its callbacks, also on the
 * loop thread.
 */
#include "daemon.h"

#include "bus.h"
#include "control.h"
#include "executor.h"
#include "job.h"
#include "internal.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "paths.h"
#include "spool.h"
#include "watch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct daemon_state {
    uv_loop_t *loop;
    const config *c;        /* as started: folders and sockets come from here */
    const cli_common *cc;   /* the config's path and -v/-q, for reloads */
    chain *ch;              /* the current chain; jobs hold their own ref */
    job_env env;
    bus *bus;
    executor *exec;
    watch watch;
    control control;
    metrics metrics;
    notifier notify;
    timing_table timings;
    uv_signal_t sigint, sigterm, sighup;
    uv_timer_t heartbeat;
    uint64_t started_ms;
    unsigned long long reloads, reloads_refused;
    nameq recovered;        /* claimed before a crash: already in work/ */
    nameq pending;          /* in the drop folder, not yet claimed */
    nameq deferred;         /* a file of the same name is still in work/ */
    bool rescan;            /* names were left out of a full queue */
    size_t inflight;
    bool stopping;
    unsigned long long files_done, files_failed;
} daemon_state;

static void dispatch(daemon_state *d);
static void queue_pending(const char *name, void *arg);

static size_t queued(const daemon_state *d)
{
    return d->pending.n + d->recovered.n + d->deferred.n;
}

static void finish(daemon_state *d)
{
    bus_publish(d->bus, "daemon.stopping",
                json_pack("{s:I, s:I}", "done", (json_int_t)d->files_done,
                          "failed", (json_int_t)d->files_failed));
    bus_detach(d->bus);
    control_detach(&d->control);
    metrics_stop(&d->metrics);
    notify_stop(&d->notify);
    uv_close((uv_handle_t *)&d->heartbeat, NULL);
    uv_close((uv_handle_t *)&d->sigint, NULL);
    uv_close((uv_handle_t *)&d->sigterm, NULL);
    /* Stopping already: a second SIGTERM (a supervisor repeating itself)
     * must not cut short the last writes.  SIGINT keeps its default, so a
     * second Ctrl-C still ends a daemon run by hand at once. */
    signal(SIGTERM, SIG_IGN);
    uv_close((uv_handle_t *)&d->sighup, NULL);
    executor_stop(d->exec);
}

static void on_job_done(job *j, void *arg)
{
    daemon_state *d = arg;

    d->inflight--;
    if (j->ok)
        d->files_done++;
    else
        d->files_failed++;
    bus_publish(d->bus, j->ok ? "transcript.done" : "transcript.failed",
                j->event);
    j->event = NULL;
    /* Journaled: the file's mark of having left work/ can go. */
    spool_unmark(d->c->work, j->name);
    /* The last file of a replaced chain frees it. */
    chain_unref(j->chain);
    job_free(j);

    /* A name that waited for this one's work/ slot may go now. */
    for (char *name; (name = nameq_pop(&d->deferred)) != NULL; free(name))
        nameq_push(&d->pending, name);
    if (d->stopping && d->inflight == 0)
        finish(d);
    else
        dispatch(d);
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
    chain_ref(d->ch);
    d->inflight++;
    bus_publish(d->bus, "transcript.received",
                json_pack("{s:s, s:o, s:b}", "source", j->label,
                          "path", td__json_string_lossy(j->path),
                          "recovered", recovered));
    executor_submit(d->exec, j);
}

/* Claims and starts files while workers have room. */
static void dispatch(daemon_state *d)
{
    char *name;

    while (!d->stopping && d->inflight < executor_capacity(d->exec)) {
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
        int rc = spool_claim(d->c, name);
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

/* The executor can take more: a worker process came. */
static void on_room(void *arg)
{
    dispatch(arg);
}

static void on_announce(const char *topic, json_t *payload, void *arg)
{
    daemon_state *d = arg;
    bus_publish(d->bus, topic, payload);
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

/* A name that no close will follow: a link, FIFO, socket or directory is
 * refused now. */
static void on_created(watch *w, const char *name)
{
    daemon_state *d = w->data;
    if (!spool_wanted_name(name) || d->stopping)
        return;
    /* Not a file being written, nor one gone already. */
    if (spool_entry_kind(d->c->inbox, name) == SPOOL_SPECIAL)
        on_file(w, name);
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
    notify_stopping(&d->notify);
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
                          "queued", (json_int_t)queued(d),
                          "in_flight", (json_int_t)d->inflight,
                          "done", (json_int_t)d->files_done,
                          "failed", (json_int_t)d->files_failed,
                          "stopping", d->stopping));
}

static json_t *chain_names(const chain *ch)
{
    json_t *plugins = json_array();
    for (size_t i = 0; i < ch->nstages; i++)
        json_array_append_new(plugins, json_string(ch->stages[i].p->name));
    return plugins;
}

static json_t *ready_payload(const daemon_state *d)
{
    return json_pack("{s:i, s:s, s:s, s:s, s:I, s:o}", "pid", (int)getpid(),
                     "version", TD_VERSION_STRING, "inbox", d->c->inbox,
                     "outbox", d->c->outbox, "workers", (json_int_t)executor_workers(d->exec),
                     "chain", chain_names(d->ch));
}

/* ---- status: the control socket, the metrics endpoint, systemd ------------ */

static void counters(void *arg, daemon_counters *out)
{
    daemon_state *d = arg;
    *out = (daemon_counters){
        .pid = (int)getpid(),
        .uptime_s = (uv_now(d->loop) - d->started_ms) / 1000.0,
        .queued = queued(d), .in_flight = d->inflight,
        .done = d->files_done, .failed = d->files_failed,
        .reloads = d->reloads, .reloads_refused = d->reloads_refused,
        .workers = executor_workers(d->exec), .stopping = d->stopping,
        .chain = d->ch, .timings = &d->timings,
    };
}

static void status_line(void *arg, char *buf, size_t len)
{
    daemon_state *d = arg;
    snprintf(buf, len, "%llu done, %llu failed, %zu queued, %zu in flight%s",
             d->files_done, d->files_failed, queued(d), d->inflight,
             d->stopping ? "; stopping" : "");
}

/* ---- reload (SIGHUP) --------------------------------------------------------- */

static void refuse_reload(daemon_state *d, const char *source, const char *errors)
{
    size_t len = errors ? strlen(errors) : 0;
    while (len > 0 && errors[len - 1] == '\n')
        len--;
    d->reloads_refused++;
    log_error("reload refused, still running the previous configuration; "
              "%s has errors:\n%.*s", source, (int)len, errors ? errors : "");
    bus_publish(d->bus, "daemon.reload_failed",
                json_pack("{s:s, s:s}", "config", source,
                          "errors", errors ? errors : ""));
}

static void warn_restart(const char *section, const char *key, void *arg)
{
    (void)arg;
    log_warn("reload: [%s] %s changed; that takes a restart, the running "
             "value stays until then", section, key);
}

/* What a reload may change without a restart, besides the chain. */
static void apply_settings(daemon_state *d, const config *nc)
{
    d->env.sync = nc->fsync;
    d->env.max_file_size = nc->max_file_size;
    cli_apply_log_level(d->cc, nc);
    if (uv_timer_get_repeat(&d->heartbeat) != (uint64_t)nc->heartbeat_ms) {
        uv_timer_stop(&d->heartbeat);
        if (nc->heartbeat_ms > 0)
            uv_timer_start(&d->heartbeat, on_heartbeat, (uint64_t)nc->heartbeat_ms,
                           (uint64_t)nc->heartbeat_ms);
    }
}

/*
 * Reads the config again and builds a new chain (plugins loaded and
 * initialised again).  Files in flight keep the chain they started on;
 * the old chain goes when its last file is done.  Anything wrong leaves
 * the running chain and settings as they were.
 */
static void reload(daemon_state *d)
{
    config nc;
    td_buf errors = TD_BUF_INIT;
    const char *path = d->cc->config_path;

    notify_reloading(&d->notify);
    log_info("reloading %s", path ? path : "the built-in configuration");
    if (config_load(&nc, path) != 0) {
        refuse_reload(d, nc.source ? nc.source : "config", nc.errors.data);
        goto out;
    }
    chain *ch = chain_new(&nc, &errors);
    if (ch == NULL) {
        refuse_reload(d, nc.source, errors.data);
        goto out;
    }
    config_restart_changes(d->c, &nc, warn_restart, d);
    chain_time_stages(ch, &d->timings);
    size_t previous = d->ch->refs - 1;      /* jobs still on the old chain */
    chain_unref(d->ch);
    d->ch = ch;
    apply_settings(d, &nc);
    executor_reload(d->exec, &nc);
    d->reloads++;
    json_t *names = chain_names(ch);
    char *list = json_dumps(names, JSON_COMPACT);
    log_info("reloaded: chain %s; %zu file(s) in flight finish on the previous "
             "chain", list ? list : "?", previous);
    free(list);
    bus_publish(d->bus, "daemon.reloaded",
                json_pack("{s:s, s:o, s:I, s:I}", "config", nc.source,
                          "chain", names, "reloads", (json_int_t)d->reloads,
                          "in_flight_on_previous", (json_int_t)previous));
out:
    config_free(&nc);
    td_buf_free(&errors);
    notify_ready(&d->notify);
}

static void on_sighup(uv_signal_t *h, int signum)
{
    daemon_state *d = h->data;
    (void)signum;
    if (d->stopping) {
        log_info("SIGHUP while stopping: ignored");
        return;
    }
    reload(d);
}

/* The control socket and metrics endpoint; errors stop the start. */
static int start_status(daemon_state *d, td_buf *errors)
{
    char why[512];
    if (control_open(&d->control, d->c->control, why, sizeof(why)) != 0 ||
        metrics_start(&d->metrics, d->loop, d->c->metrics_listen, counters, d,
                      why, sizeof(why)) != 0) {
        td_buf_printf(errors, "%s\n", why);
        return -1;
    }
    control_attach(&d->control, d->loop, counters, d);
    notify_start(&d->notify, d->loop, status_line, d);
    return 0;
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
    executor_callbacks cb = { on_job_done, on_room, on_announce, d };
    if (executor_start(d->loop, d->c, d->cc, d->bus->ctx, &cb, &d->exec, errors))
        return -1;

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
    uv_signal_init(d->loop, &d->sighup);
    d->sigint.data = d->sigterm.data = d->sighup.data = d;
    uv_signal_start(&d->sigint, on_signal, SIGINT);
    uv_signal_start(&d->sigterm, on_signal, SIGTERM);
    uv_signal_start(&d->sighup, on_sighup, SIGHUP);
    /* A metrics client that hangs up early must not kill the daemon. */
    signal(SIGPIPE, SIG_IGN);

    d->started_ms = uv_now(d->loop);
    if (start_status(d, errors) != 0)
        return -1;
    bus_attach(d->bus, d->loop);
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
    notify_ready(&d->notify);
    log_info("ready: watching %s, outputs in %s, events on %s, %d worker(s)",
             d->c->inbox, d->c->outbox, d->c->publish, executor_workers(d->exec));
    return 0;
}

static void close_handle(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

int daemon_run(const config *c, chain *ch, bus *b, const cli_common *cc)
{
    daemon_state d = {
        .loop = uv_default_loop(), .c = c, .cc = cc, .ch = ch, .bus = b,
        .env = { .outbox = c->outbox, .done = c->done, .failed = c->failed,
                 .sync = c->fsync, .max_file_size = c->max_file_size,
                 .timeout_s = c->job_timeout, .max_memory = c->max_doc_memory },
    };
    td_buf errors = TD_BUF_INIT;
    int status = 0;

    nameq_init(&d.recovered);
    nameq_init(&d.pending);
    nameq_init(&d.deferred);
    d.watch.fd = -1;
    chain_time_stages(ch, &d.timings);
    if (start(&d, &errors) != 0) {
        log_error("cannot start: %s", errors.data ? errors.data : "unknown error");
        status = 1;
        /* Close what was opened so the loop can end. */
        watch_stop(&d.watch);
        if (d.exec != NULL)
            executor_stop(d.exec);
        uv_walk(d.loop, close_handle, NULL);
    }
    uv_run(d.loop, UV_RUN_DEFAULT);
    if (status == 0)
        log_info("stopped: %llu done, %llu failed", d.files_done, d.files_failed);
    uv_loop_close(d.loop);
    executor_free(d.exec);
    control_close(&d.control);
    chain_unref(d.ch);
    timing_table_free(&d.timings);
    nameq_free(&d.recovered);
    nameq_free(&d.pending);
    nameq_free(&d.deferred);
    td_buf_free(&errors);
    return status;
}
