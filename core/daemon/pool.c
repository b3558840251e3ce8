/*
 * pool.c - see pool.h.
 */
#include "pool.h"

#include <stdlib.h>

static void *worker_main(void *arg)
{
    pool *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->todo == NULL && !p->stopping)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->todo == NULL)
            break;
        pool_task *t = p->todo;
        p->todo = t->next;
        if (p->todo == NULL)
            p->todo_tail = NULL;
        pthread_mutex_unlock(&p->lock);

        t->work(t);

        pthread_mutex_lock(&p->lock);
        t->next = NULL;
        if (p->finished_tail)
            p->finished_tail->next = t;
        else
            p->finished = t;
        p->finished_tail = t;
        uv_async_send(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Loop thread: runs the done callbacks of finished tasks, in order. */
static void on_wake(uv_async_t *handle)
{
    pool *p = handle->data;

    pthread_mutex_lock(&p->lock);
    pool_task *t = p->finished;
    p->finished = p->finished_tail = NULL;
    pthread_mutex_unlock(&p->lock);

    while (t != NULL) {
        pool_task *next = t->next;
        t->done(t);
        t = next;
    }
}

int pool_start(pool *p, uv_loop_t *loop, int nthreads)
{
    *p = (pool){ .loop = loop, .nthreads = 0 };
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    int rc = uv_async_init(loop, &p->wake, on_wake);
    if (rc != 0)
        return rc;
    p->wake.data = p;
    p->threads = calloc((size_t)nthreads, sizeof(pthread_t));
    if (p->threads == NULL)
        return UV_ENOMEM;
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
            break;
        p->nthreads++;
    }
    return p->nthreads > 0 ? 0 : UV_EAGAIN;
}

void pool_submit(pool *p, pool_task *t)
{
    t->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->todo_tail)
        p->todo_tail->next = t;
    else
        p->todo = t;
    p->todo_tail = t;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void pool_stop(pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    p->threads = NULL;
    on_wake(&p->wake);          /* the last done callbacks */
    uv_close((uv_handle_t *)&p->wake, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
}
