/*
 * executor.h - where the daemon's jobs run: on its own threads
 * (isolation = thread) or in worker processes it hands them to
 * (isolation = process, see broker.h).
 *
 * The daemon claims a file, makes its job and submits it; the executor
 * calls done with the job finished (ok and event set, the source moved to
 * done/ or failed/) on the loop thread.  Everything here is loop thread.
 */
#ifndef TD_EXECUTOR_H
#define TD_EXECUTOR_H

#include "cli.h"
#include "config.h"
#include "job.h"

#include <jansson.h>
#include <uv.h>

typedef struct executor executor;

typedef struct executor_ops {
    void (*submit)(executor *x, job *j);
    /* How many jobs it wants in flight now, queued ones included. */
    size_t (*capacity)(const executor *x);
    /* Worker threads; or local worker processes and others connected. */
    int (*workers)(const executor *x);
    /* The config was reloaded: workers pick up its chain and settings. */
    void (*reload)(executor *x, const config *c);
    /* Every job is done: close the loop handles, so that the loop ends. */
    void (*stop)(executor *x);
    /* After the loop has ended. */
    void (*free)(executor *x);
} executor_ops;

typedef struct executor_callbacks {
    void (*done)(job *j, void *arg);
    /* It can take more jobs than before (a worker came). */
    void (*room)(void *arg);
    /* Something to announce on the bus (workers joining and leaving);
     * takes the payload's reference. */
    void (*announce)(const char *topic, json_t *payload, void *arg);
    void *arg;
} executor_callbacks;

struct executor {
    const executor_ops *ops;
    executor_callbacks cb;
};

/*
 * Starts the executor c->isolation names: threads, or the broker and its
 * local worker processes (zmq_ctx: the bus's context, so that its security
 * applies to the workers' endpoint too).  Returns 0, or -1 with errors;
 * either way *out, when not NULL, must be stopped and, after the loop has
 * ended, freed.
 */
int executor_start(uv_loop_t *loop, const config *c, const cli_common *cc,
                   void *zmq_ctx, const executor_callbacks *cb, executor **out,
                   td_buf *errors);

int threads_start(uv_loop_t *loop, int nthreads, const executor_callbacks *cb,
                  executor **out, td_buf *errors);

static inline void executor_submit(executor *x, job *j) { x->ops->submit(x, j); }
static inline size_t executor_capacity(const executor *x) { return x->ops->capacity(x); }
static inline int executor_workers(const executor *x) { return x->ops->workers(x); }
static inline void executor_reload(executor *x, const config *c) { x->ops->reload(x, c); }
static inline void executor_stop(executor *x) { x->ops->stop(x); }
static inline void executor_free(executor *x)
{
    if (x != NULL)
        x->ops->free(x);
}

#endif
