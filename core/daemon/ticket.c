/*
 * ticket.c - a job in process isolation, as the daemon sees it (see
 * broker_int.h): its source read on an I/O thread, its bytes given to a
 * worker, then its outputs written into the outbox and the source moved,
 * on an I/O thread again, so that the loop never waits for the disk.
 */
#include "broker_int.h"

#include "internal.h"
#include "log.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void set_failure(ticket *t, const char *plugin, const char *where,
                        const char *fmt, const char *arg)
{
    snprintf(t->plugin, sizeof(t->plugin), "%s", plugin ? plugin : "core");
    snprintf(t->stage, sizeof(t->stage), "%s", where ? where : "commit");
    snprintf(t->f.message, sizeof(t->f.message), fmt, arg);
    t->f.plugin = t->plugin;
    t->f.stage = t->stage;
    t->failed = true;
}

void ticket_free(ticket *t)
{
    if (t == NULL)
        return;
    free(t->bytes);
    json_decref(t->event);
    for (size_t i = 0; i < t->noutputs; i++)
        zmq_msg_close(&t->outputs[i]);
    free(t->outputs);
    free(t);
}

/* ---- commit: outputs into the outbox, the source into done/ or failed/ --- */

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

/* One output into a temporary file beside its final name (as output.c). */
static int write_temp(ticket *t, const char *stem, size_t i, char **tmp)
{
    const job_env *env = &t->j->env;
    zmq_msg_t *ext = &t->outputs[i], *data = &t->outputs[i + 1];
    td_buf p = TD_BUF_INIT;
    td_buf_printf(&p, "%s/.%s.%.*s.XXXXXX", env->outbox, stem, (int)zmq_msg_size(ext),
                  (const char *)zmq_msg_data(ext));
    if ((*tmp = p.data) == NULL)
        return -ENOMEM;
    int fd = mkostemp(*tmp, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    fchmod(fd, 0644);
    int rc = write_all(fd, zmq_msg_data(data), zmq_msg_size(data));
    if (rc == 0 && env->sync && fsync(fd) != 0)
        rc = -errno;
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    return rc;
}

/*
 * Every output whole under a temporary name first; only then the renames
 * to OUTBOX/STEM.EXT, so that what appears there is always complete.
 */
static int write_outputs(ticket *t, json_t *outputs)
{
    size_t n = t->noutputs / 2;
    char **tmp = calloc(n ? n : 1, sizeof(*tmp));
    char *stem = path_stem(t->j->name), *final = NULL;
    int rc = tmp && stem ? 0 : -ENOMEM;
    size_t i = 0;

    for (; rc == 0 && i < n; i++)
        if ((rc = write_temp(t, stem, 2 * i, &tmp[i])) != 0)
            set_failure(t, "core", "commit", "cannot write an output: %s",
                        strerror(-rc));
    for (size_t k = 0; rc == 0 && k < n; k++) {
        zmq_msg_t *e = &t->outputs[2 * k];
        char ext[40];
        snprintf(ext, sizeof(ext), "%.*s", (int)zmq_msg_size(e),
                 (const char *)zmq_msg_data(e));
        td_buf p = TD_BUF_INIT;
        td_buf_printf(&p, "%s/%s.%s", t->j->env.outbox, stem, ext);
        final = p.data;
        if (final == NULL || rename(tmp[k], final) != 0) {
            rc = final ? -errno : -ENOMEM;
            set_failure(t, "core", "commit", "cannot rename an output: %s",
                        strerror(-rc));
        } else {
            json_object_set_new(outputs, ext, td__json_string_lossy(final));
            free(tmp[k]);
            tmp[k] = NULL;
        }
        free(final);
    }
    if (rc == 0 && n > 0 && t->j->env.sync && (rc = sync_dir(t->j->env.outbox)) != 0)
        set_failure(t, "core", "commit", "cannot sync the outbox: %s", strerror(-rc));
    for (size_t k = 0; tmp && k < n; k++) {
        if (tmp[k] != NULL)
            unlink(tmp[k]);
        free(tmp[k]);
    }
    if (rc == -ENOMEM && !t->failed)
        set_failure(t, "core", "commit", "%s", "out of memory");
    free(tmp);
    free(stem);
    return rc;
}

/* The transcript.done event: the worker's, with the daemon's paths. */
static void finish_ok(ticket *t, json_t *outputs, const char *moved)
{
    job *j = t->j;
    json_t *ev = t->event;
    double worker_ms = json_number_value(json_object_get(ev, "ms"));
    t->event = NULL;
    json_object_set_new(ev, "source", json_string(j->label));
    json_object_set(ev, "outputs", outputs);
    json_object_set_new(ev, "path", td__json_string_lossy(moved));
    json_object_set_new(ev, "ms", json_real(worker_ms + t->ms));
    j->ok = true;
    j->event = ev;
}

static void commit_work(pool_task *task)
{
    ticket *t = (ticket *)task;
    double t0 = now_ms();
    if (!t->failed) {
        json_t *outputs = json_object();
        if (write_outputs(t, outputs) == 0) {
            char *moved = job_move_done(t->j);
            t->ms += now_ms() - t0;
            if (moved != NULL)
                finish_ok(t, outputs, moved);
            else
                set_failure(t, "core", "commit", "%s", "cannot move the file to done");
            free(moved);
        }
        json_decref(outputs);
    }
    if (t->failed) {
        json_t *id = json_object_get(t->event, "id");
        job_fail(t->j, &t->f, json_string_value(id));
    }
}

static void commit_done(pool_task *task)
{
    ticket *t = (ticket *)task;
    broker *b = t->b;
    job *j = t->j;
    ticket_free(t);
    b->x.cb.done(j, b->x.cb.arg);
}

static void commit(ticket *t)
{
    t->task.work = commit_work;
    t->task.done = commit_done;
    pool_submit(&t->b->io, &t->task);
}

/* ---- reading --------------------------------------------------------------- */

static void read_work(pool_task *task)
{
    ticket *t = (ticket *)task;
    double t0 = now_ms();
    chain_failure f = { "core", "read", "" };
    t->bytes = job_read(t->j, &t->len, &f);
    if (t->bytes == NULL)
        set_failure(t, f.plugin, f.stage, "%s", f.message);
    t->ms += now_ms() - t0;
}

static void read_done(pool_task *task)
{
    ticket *t = (ticket *)task;
    if (t->failed) {
        commit(t);
        return;
    }
    broker_enqueue(t->b, t);
    broker_pump(t->b);
}

static void read_source(ticket *t)
{
    t->task.work = read_work;
    t->task.done = read_done;
    pool_submit(&t->b->io, &t->task);
}

void ticket_submit(broker *b, job *j)
{
    ticket *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        chain_failure f = { "core", "read", "out of memory" };
        job_fail(j, &f, NULL);
        b->x.cb.done(j, b->x.cb.arg);
        return;
    }
    t->b = b;
    t->j = j;
    read_source(t);
}

void ticket_sent(ticket *t)
{
    free(t->bytes);
    t->bytes = NULL;
    t->len = 0;
}

/* ---- what the worker said ---------------------------------------------- */

/* As output.c accepts them: the ext is also part of a file name here. */
static bool ext_ok(const zmq_msg_t *m)
{
    const char *p = zmq_msg_data((zmq_msg_t *)m);
    size_t len = zmq_msg_size((zmq_msg_t *)m);
    if (len == 0 || len > 32 || p[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
              (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '-' ||
              p[i] == '_'))
            return false;
    return true;
}

static bool same_frame(zmq_msg_t *a, zmq_msg_t *b)
{
    return zmq_msg_size(a) == zmq_msg_size(b) &&
           memcmp(zmq_msg_data(a), zmq_msg_data(b), zmq_msg_size(a)) == 0;
}

/* Takes the (ext, bytes) frames from first on; NULL or what is wrong. */
static const char *take_outputs(ticket *t, wire_msg *m, size_t first)
{
    size_t n = m->n - first;
    if (n % 2 != 0 || m->truncated)
        return "an odd number of output frames";
    for (size_t i = first; i < m->n; i += 2) {
        if (!ext_ok(&m->f[i]))
            return "a bad output extension";
        for (size_t k = first; k < i; k += 2)
            if (same_frame(&m->f[k], &m->f[i]))
                return "an output twice";
    }
    t->outputs = calloc(n ? n : 1, sizeof(zmq_msg_t));
    if (t->outputs == NULL)
        return "more than the daemon has memory for";
    for (size_t i = 0; i < n; i++) {
        zmq_msg_init(&t->outputs[i]);
        zmq_msg_move(&t->outputs[i], &m->f[first + i]);
    }
    t->noutputs = n;
    return NULL;
}

void ticket_result(ticket *t, wire_msg *m, size_t first)
{
    const char *bad = NULL;
    bool ok = wire_is(m, first, "ok");
    if (!ok && !wire_is(m, first, "failed"))
        bad = "a result that is neither ok nor failed";
    zmq_msg_t *ev = first + 1 < m->n ? &m->f[first + 1] : NULL;
    t->event = ev ? json_loadb(zmq_msg_data(ev), zmq_msg_size(ev), 0, NULL) : NULL;
    if (!bad && !json_is_object(t->event))
        bad = "a result without its event";
    if (!bad && ok)
        bad = take_outputs(t, m, first + 2);
    if (bad) {
        set_failure(t, "core", "commit", "the worker sent %s", bad);
    } else if (!ok) {
        json_t *e = t->event;
        const char *error = json_string_value(json_object_get(e, "error"));
        set_failure(t, json_string_value(json_object_get(e, "plugin")),
                    json_string_value(json_object_get(e, "stage")), "%s",
                    error ? error : "failed without a reason");
    }
    commit(t);
}

void ticket_lost(ticket *t, const char *plugin, const char *where,
                 const char *reason)
{
    if (t->attempts < 2) {
        log_file(LOG_WARNING, t->j->label, plugin, where, "%s; trying once more",
                 reason);
        t->retry = true;
        read_source(t);
        return;
    }
    set_failure(t, plugin, where, "%s", reason);
    commit(t);
}
