/*
 * executor.c - see executor.h.  The thread executor lives here: jobs run
 * whole (job_run) on the pool's threads.
 */
#include "executor.h"

#include "broker.h"
#include "log.h"
#include "pool.h"

#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OVERRUN_CHECK_MS 1000

typedef struct threads {
    executor x;
    pool pool;
    bool running;
    /* The jobs submitted and not done, for the overrun check. */
    job **jobs;
    size_t njobs, cap;
    uv_timer_t overrun;
    bool overrun_open;
} threads;

static void thread_work(pool_task *t)
{
    job_run((job *)t);
}

static void forget(threads *th, const job *j)
{
    for (size_t i = 0; i < th->njobs; i++)
        if (th->jobs[i] == j) {
            th->jobs[i] = th->jobs[--th->njobs];
            return;
        }
}

static void thread_done(pool_task *t)
{
    job *j = (job *)t;
    threads *th = j->owner;
    forget(th, j);
    th->x.cb.done(j, th->x.cb.arg);
}

static void threads_submit(executor *x, job *j)
{
    threads *th = (threads *)x;
    j->owner = th;
    j->task.work = thread_work;
    j->task.done = thread_done;
    if (th->njobs == th->cap) {
        size_t cap = th->cap ? th->cap * 2 : 8;
        job **v = realloc(th->jobs, cap * sizeof(*v));
        if (v != NULL) {
            th->jobs = v;
            th->cap = cap;
        }
    }
    if (th->njobs < th->cap)        /* else only unwatched: still runs */
        th->jobs[th->njobs++] = j;
    pool_submit(&th->pool, &j->task);
}

/*
 * A thread cannot be stopped in the middle of a plugin: job_timeout is
 * enforced when the plugin returns or calls td_doc_expired().  A plugin
 * that does neither holds its thread; say so once, naming it, rather than
 * leave a silent stall (isolation = process kills such a worker).
 */
static void check_overruns(uv_timer_t *h)
{
    threads *th = h->data;
    uint64_t now = td__monotonic_ns();
    for (size_t i = 0; i < th->njobs; i++) {
        job *j = th->jobs[i];
        uint64_t started = atomic_load_explicit(&j->started_ns, memory_order_relaxed);
        const char *plugin = atomic_load_explicit(&j->running, memory_order_relaxed);
        if (j->overrun_told || j->env.timeout_s <= 0 || started == 0 || plugin == NULL)
            continue;
        if (now - started <= (uint64_t)j->env.timeout_s * 1000000000u)
            continue;
        j->overrun_told = true;
        log_file(LOG_WARNING, j->label, plugin, NULL, "still running %.1f s after "
                 "the start, past job_timeout (%lld s): the plugin does not check "
                 "td_doc_expired(), so its thread stays busy until it returns "
                 "(isolation = process stops such a plugin)",
                 (double)(now - started) / 1e9, j->env.timeout_s);
    }
}

/* Enough in flight that a thread never waits for the loop. */
static size_t threads_capacity(const executor *x)
{
    return (size_t)((const threads *)x)->pool.nthreads * 2;
}

static int threads_workers(const executor *x)
{
    return ((const threads *)x)->pool.nthreads;
}

static void threads_reload(executor *x, const config *c)
{
    /* The daemon's new chain is the threads' chain: nothing to do. */
    (void)x;
    (void)c;
}

static void threads_stop(executor *x)
{
    threads *th = (threads *)x;
    if (th->running)
        pool_stop(&th->pool);
    th->running = false;
    if (th->overrun_open)
        uv_close((uv_handle_t *)&th->overrun, NULL);
    th->overrun_open = false;
}

static void threads_free(executor *x)
{
    free(((threads *)x)->jobs);
    free(x);
}

static const executor_ops THREAD_OPS = {
    threads_submit, threads_capacity, threads_workers, threads_reload,
    threads_stop, threads_free,
};

int threads_start(uv_loop_t *loop, int nthreads, const executor_callbacks *cb,
                  executor **out, td_buf *errors)
{
    threads *th = calloc(1, sizeof(*th));
    *out = th ? &th->x : NULL;
    if (th == NULL) {
        td_buf_printf(errors, "out of memory\n");
        return -1;
    }
    th->x = (executor){ &THREAD_OPS, *cb };
    int rc = pool_start(&th->pool, loop, nthreads);
    /* The pool's handle, once made, is closed by stop, even on failure. */
    th->running = th->pool.wake.loop == loop;
    if (rc != 0) {
        td_buf_printf(errors, "cannot start worker threads: %s\n", uv_strerror(rc));
        return -1;
    }
    uv_timer_init(loop, &th->overrun);
    th->overrun.data = th;
    th->overrun_open = true;
    uv_timer_start(&th->overrun, check_overruns, OVERRUN_CHECK_MS, OVERRUN_CHECK_MS);
    /* Not a reason to keep the loop running. */
    uv_unref((uv_handle_t *)&th->overrun);
    return 0;
}

int executor_start(uv_loop_t *loop, const config *c, const cli_common *cc,
                   void *zmq_ctx, const executor_callbacks *cb, executor **out,
                   td_buf *errors)
{
    if (strcmp(c->isolation, "process") == 0)
        return broker_start(loop, c, cc, zmq_ctx, cb, out, errors);
    long n = c->workers ? c->workers : sysconf(_SC_NPROCESSORS_ONLN);
    return threads_start(loop, n > 0 ? (int)n : 1, cb, out, errors);
}
