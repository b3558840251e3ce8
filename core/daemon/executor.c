/*
 * executor.c - see executor.h.  The thread executor lives here: jobs run
 * whole (job_run) on the pool's threads.
 */
#include "executor.h"

#include "broker.h"
#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct threads {
    executor x;
    pool pool;
    bool running;
} threads;

static void thread_work(pool_task *t)
{
    job_run((job *)t);
}

static void thread_done(pool_task *t)
{
    job *j = (job *)t;
    threads *th = j->owner;
    th->x.cb.done(j, th->x.cb.arg);
}

static void threads_submit(executor *x, job *j)
{
    threads *th = (threads *)x;
    j->owner = th;
    j->task.work = thread_work;
    j->task.done = thread_done;
    pool_submit(&th->pool, &j->task);
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
}

static void threads_free(executor *x)
{
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
