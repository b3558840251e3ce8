/*
 * pool.h - worker threads that run tasks off the loop thread.
 *
 * The loop thread submits; a worker runs task->work; the loop thread is
 * woken (uv_async) and runs task->done.  Like uv_queue_work, but with its
 * own threads, so that the number of workers is the config's and document
 * work never competes with libuv's file-system requests.
 */
#ifndef TD_POOL_H
#define TD_POOL_H

#include <pthread.h>
#include <uv.h>

typedef struct pool_task pool_task;
struct pool_task {
    void (*work)(pool_task *t);     /* on a worker thread */
    void (*done)(pool_task *t);     /* on the loop thread */
    pool_task *next;
};

typedef struct pool {
    uv_loop_t *loop;
    uv_async_t wake;
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pool_task *todo, *todo_tail;
    pool_task *finished, *finished_tail;
    int stopping;
} pool;

int pool_start(pool *p, uv_loop_t *loop, int nthreads);
/* Loop thread only. */
void pool_submit(pool *p, pool_task *t);
/* Finishes every submitted task, joins the workers, closes the handle. */
void pool_stop(pool *p);

#endif
