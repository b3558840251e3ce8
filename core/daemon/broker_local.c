/*
 * broker_local.c - the local worker processes: `transcriptd worker`,
 * started from the daemon's own executable, one per slot, started again
 * when one ends.  Their end (SIGCHLD, through libuv) tells how a job was
 * lost: the signal that killed the worker names the crash.
 */
#include "broker_int.h"

#include "log.h"
#include "paths.h"
#include "worker_job.h"

#include <fcntl.h>
#include <inttypes.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A worker that ends before it said READY waits to be started again, a
 * second the first time, twice as long each time after, up to half a
 * minute: one that cannot start must not spin.
 */
#define RESTART_DELAY_MS 1000
#define RESTART_DELAY_MAX_MS 30000
#define STOP_GRACE_MS 5000

static uint64_t restart_delay(slot *s)
{
    if (s->failures == 0)
        return 0;
    uint64_t ms = (uint64_t)RESTART_DELAY_MS << (s->failures < 6 ? s->failures - 1 : 5);
    return ms < RESTART_DELAY_MAX_MS ? ms : RESTART_DELAY_MAX_MS;
}

static void on_exit_cb(uv_process_t *h, int64_t status, int signum);
static void on_delay(uv_timer_t *t);

static void spawn(slot *s)
{
    broker *b = s->b;
    char name[32], parent[24], *scratch;
    char *args[20];
    int n = 0;

    snprintf(name, sizeof(name), "local-%d", s->index);
    snprintf(parent, sizeof(parent), "%d", (int)getpid());
    scratch = path_join(b->scratch, name);
    args[n++] = "transcriptd";
    args[n++] = "worker";
    args[n++] = "--connect";
    args[n++] = b->endpoint;
    args[n++] = "--name";
    args[n++] = name;
    args[n++] = "--scratch";
    args[n++] = scratch ? scratch : b->scratch;
    args[n++] = "--parent";
    args[n++] = parent;
    if (b->config_path != NULL) {
        args[n++] = "-c";
        args[n++] = b->config_path;
    }
    for (int v = b->verbosity; v != 0 && n < 18; v += v > 0 ? -1 : 1)
        args[n++] = v > 0 ? "-v" : "-q";
    args[n] = NULL;

    uv_stdio_container_t stdio[3] = {
        { .flags = UV_INHERIT_FD, .data.fd = 0 },
        { .flags = UV_INHERIT_FD, .data.fd = 1 },
        { .flags = UV_INHERIT_FD, .data.fd = 2 },
    };
    /* Its own session: a terminal's ^C is for the daemon, which then
     * stops its workers when the files in flight are done. */
    uv_process_options_t o = {
        .exit_cb = on_exit_cb, .file = "/proc/self/exe", .args = args,
        .flags = UV_PROCESS_DETACHED, .stdio_count = 3, .stdio = stdio,
    };
    s->proc.data = s;
    int rc = uv_spawn(b->loop, &s->proc, &o);
    free(scratch);
    if (rc != 0) {
        log_error("cannot start worker %s: %s", name, uv_strerror(rc));
        /* libuv: a handle that failed to spawn is still closed. */
        uv_close((uv_handle_t *)&s->proc, NULL);
        s->failures++;
        uv_timer_start(&s->delay, on_delay, restart_delay(s), 0);
        return;
    }
    s->running = true;
    s->pid = s->proc.pid;
    log_debug("started worker %s (pid %d)", name, s->pid);
}

static void on_delay(uv_timer_t *t)
{
    slot *s = t->data;
    if (!s->b->stopping && !s->running)
        spawn(s);
}

static void on_closed(uv_handle_t *h)
{
    slot *s = h->data;
    broker *b = s->b;
    s->running = false;
    if (b->stopping) {
        bool any = false;
        for (int i = 0; i < b->nslots; i++)
            any |= b->slots[i].running;
        if (!any && b->kill_open) {
            uv_close((uv_handle_t *)&b->kill_timer, NULL);
            b->kill_open = false;
        }
        return;
    }
    uv_timer_start(&s->delay, on_delay, restart_delay(s), 0);
}

void local_where(slot *s, peer *p)
{
    char name[32], *dir, *path, buf[WORKER_BOARD_SIZE + 1];
    if (p->job == NULL)
        return;
    snprintf(name, sizeof(name), "local-%d", s->index);
    dir = path_join(s->b->scratch, name);
    path = dir ? path_join(dir, WORKER_BOARD_FILE) : NULL;
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    free(dir);
    free(path);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, WORKER_BOARD_SIZE);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    char *save = NULL, *id = strtok_r(buf, "\n", &save);
    char *plugin = strtok_r(NULL, "\n", &save), *where = strtok_r(NULL, "\n", &save);
    if (id && plugin && where && strtoull(id, NULL, 10) == p->job->id) {
        snprintf(p->plugin, sizeof(p->plugin), "%s", plugin);
        snprintf(p->stage, sizeof(p->stage), "%s", where);
    }
}

static void on_exit_cb(uv_process_t *h, int64_t status, int signum)
{
    slot *s = h->data;
    broker *b = s->b;
    peer *p = s->peer;

    if (!s->ready)
        s->failures++;
    s->ready = false;
    if (p != NULL) {
        local_where(s, p);
        s->peer = NULL;
        p->local = NULL;
        broker_peer_lost(b, p, signum ? LOSS_SIGNAL : LOSS_EXIT,
                         signum ? signum : (int)status);
    } else if (!b->stopping && signum) {
        log_warn("worker local-%d (pid %d) was killed by SIG%s", s->index, s->pid,
                 sigabbrev_np(signum) ? sigabbrev_np(signum) : "?");
    } else if (!b->stopping && status) {
        log_warn("worker local-%d (pid %d) exited with status %d", s->index, s->pid,
                 (int)status);
    }
    if (!b->stopping)
        log_info("starting worker local-%d again%s", s->index,
                 s->failures ? " in a while: it ended before it was ready" : "");
    uv_close((uv_handle_t *)h, on_closed);
}

int local_start(broker *b, int n, td_buf *errors)
{
    if (n <= 0)
        return 0;
    int rc = path_mkdirs(b->scratch, 0700);
    if (rc != 0) {
        td_buf_printf(errors, "cannot create %s: %s\n", b->scratch, strerror(-rc));
        return -1;
    }
    b->slots = calloc((size_t)n, sizeof(*b->slots));
    if (b->slots == NULL) {
        td_buf_printf(errors, "out of memory\n");
        return -1;
    }
    b->nslots = n;
    for (int i = 0; i < n; i++) {
        slot *s = &b->slots[i];
        s->b = b;
        s->index = i;
        uv_timer_init(b->loop, &s->delay);
        s->delay.data = s;
        spawn(s);
    }
    return 0;
}

void local_match(broker *b, peer *p)
{
    int index;
    char end;
    if (sscanf(p->name, "local-%d%c", &index, &end) != 1 || index < 0 ||
        index >= b->nslots)
        return;
    slot *s = &b->slots[index];
    char host[sizeof(p->host)] = "";
    gethostname(host, sizeof(host) - 1);
    if (!s->running || s->pid != p->pid || strcmp(host, p->host) != 0)
        return;
    s->ready = true;
    s->failures = 0;
    /* The same process on an earlier session: that one is over. */
    if (s->peer != NULL && s->peer != p) {
        peer *old = s->peer;
        s->peer = NULL;
        old->local = NULL;
        broker_peer_lost(b, old, LOSS_RESTARTED, 0);
    }
    s->peer = p;
    p->local = s;
}

void local_kill(slot *s)
{
    if (s->running && !uv_is_closing((uv_handle_t *)&s->proc))
        uv_process_kill(&s->proc, SIGKILL);
}

static void on_kill_timer(uv_timer_t *t)
{
    broker *b = t->data;
    for (int i = 0; i < b->nslots; i++)
        if (b->slots[i].running) {
            log_warn("worker local-%d did not stop; killing it", i);
            local_kill(&b->slots[i]);
        }
    uv_close((uv_handle_t *)t, NULL);
    b->kill_open = false;
}

void local_stop(broker *b)
{
    bool any = false;
    for (int i = 0; i < b->nslots; i++) {
        slot *s = &b->slots[i];
        uv_timer_stop(&s->delay);
        uv_close((uv_handle_t *)&s->delay, NULL);
        if (s->running) {
            uv_process_kill(&s->proc, SIGTERM);
            any = true;
        }
    }
    if (any) {
        uv_timer_init(b->loop, &b->kill_timer);
        b->kill_timer.data = b;
        b->kill_open = true;
        uv_timer_start(&b->kill_timer, on_kill_timer, STOP_GRACE_MS, 0);
    }
}
