/*
 * indexer.c - see indexer.h.
 */
#include "indexer.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/*
 * The jobs for the database of the first one, in the order they came; jobs
 * for another database (an absolute [sqlite] database and a process with
 * several outboxes) stay queued for the next batch.
 */
static index_job *take_batch(indexer *ix)
{
    index_job *batch = NULL, **last = &batch, **p = &ix->head;
    const char *path = ix->head->path;

    ix->tail = NULL;
    while (*p != NULL) {
        index_job *j = *p;
        if (strcmp(j->path, path) == 0) {
            *p = j->next;
            j->next = NULL;
            *last = j;
            last = &j->next;
        } else {
            ix->tail = j;
            p = &j->next;
        }
    }
    return batch;
}

enum { WRITTEN = 0, NOT_STARTED = -1, ROLLED_BACK = -2 };

/* Writes jobs in one transaction: WRITTEN, or nothing written and err set. */
static int write_together(store *s, index_job *jobs, td_error *err)
{
    if (store_open(s, jobs->path, err) != 0 || store_begin(s, err) != 0)
        return NOT_STARTED;
    for (index_job *j = jobs; j != NULL; j = j->next) {
        if (store_write(s, j->doc, j->facts, err) != 0) {
            store_rollback(s);
            return ROLLED_BACK;
        }
    }
    return store_commit(s, err) == 0 ? WRITTEN : ROLLED_BACK;
}

static void finish(index_job *j, int rc, const td_error *why)
{
    j->rc = rc;
    if (rc != 0)
        snprintf(j->err->message, sizeof(j->err->message), "%s", why->message);
}

static void write_batch(indexer *ix, index_job *batch)
{
    td_error err = { "" };
    store *s = &ix->store;
    int rc = write_together(s, batch, &err);

    if (rc == WRITTEN) {
        ix->commits++;
        for (index_job *j = batch; j != NULL; j = j->next) {
            finish(j, 0, NULL);
            ix->batched += batch->next != NULL;
        }
        return;
    }
    /* Start afresh after a failure: the file may be what went wrong. */
    store_close(s);
    if (rc == NOT_STARTED || batch->next == NULL) {
        /* No lock, or a document alone: the cause is everyone's. */
        for (index_job *j = batch; j != NULL; j = j->next)
            finish(j, -1, &err);
        return;
    }
    /*
     * One of the documents, or all of them together (a full disk), failed
     * the transaction and nothing of it was written: each alone, so that
     * each gets its own result.
     */
    for (index_job *j = batch, *next; j != NULL; j = next) {
        next = j->next;
        j->next = NULL;
        rc = write_together(s, j, &err);
        finish(j, rc == WRITTEN ? 0 : -1, &err);
        if (rc == WRITTEN)
            ix->commits++;
        else
            store_close(s);
        j->next = next;
    }
}

static void *indexer_main(void *arg)
{
    indexer *ix = arg;

    pthread_mutex_lock(&ix->lock);
    for (;;) {
        while (ix->head == NULL && !ix->stopping)
            pthread_cond_wait(&ix->work, &ix->lock);
        if (ix->head == NULL)
            break;
        index_job *batch = take_batch(ix);
        pthread_mutex_unlock(&ix->lock);
        write_batch(ix, batch);
        pthread_mutex_lock(&ix->lock);
        for (index_job *j = batch, *next; j != NULL; j = next) {
            next = j->next;         /* j is gone once its worker wakes */
            j->done = true;
        }
        pthread_cond_broadcast(&ix->done);
        /* The workers are on their way; documents that come meanwhile
         * make the next batch larger. */
        pthread_mutex_unlock(&ix->lock);
        store_checkpoint(&ix->store);
        pthread_mutex_lock(&ix->lock);
    }
    pthread_mutex_unlock(&ix->lock);
    return NULL;
}

/* The daemon's loop thread takes the signals, not this one. */
static int start_thread(indexer *ix, td_error *err)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&ix->thread, NULL, indexer_main, ix);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return td_error_set(err, "cannot start the indexing thread: %s", strerror(rc));
    ix->running = true;
    return 0;
}

int indexer_init(indexer *ix, int busy_ms, bool fsync, td_error *err)
{
    *ix = (indexer){ .head = NULL };
    store_init(&ix->store, busy_ms, fsync);
    if (pthread_mutex_init(&ix->lock, NULL) != 0)
        return td_error_set(err, "cannot create a mutex");
    if (pthread_cond_init(&ix->work, NULL) != 0) {
        pthread_mutex_destroy(&ix->lock);
        return td_error_set(err, "cannot create a condition variable");
    }
    if (pthread_cond_init(&ix->done, NULL) != 0) {
        pthread_cond_destroy(&ix->work);
        pthread_mutex_destroy(&ix->lock);
        return td_error_set(err, "cannot create a condition variable");
    }
    return 0;
}

int indexer_submit(indexer *ix, index_job *job)
{
    job->rc = -1;
    job->done = false;
    job->next = NULL;
    pthread_mutex_lock(&ix->lock);
    if (!ix->running && start_thread(ix, job->err) != 0) {
        pthread_mutex_unlock(&ix->lock);
        return -1;
    }
    if (ix->tail != NULL)
        ix->tail->next = job;
    else
        ix->head = job;
    ix->tail = job;
    ix->received++;
    pthread_cond_signal(&ix->work);
    while (!job->done)
        pthread_cond_wait(&ix->done, &ix->lock);
    pthread_mutex_unlock(&ix->lock);
    return job->rc;
}

void indexer_fini(indexer *ix)
{
    pthread_mutex_lock(&ix->lock);
    ix->stopping = true;
    pthread_cond_signal(&ix->work);
    pthread_mutex_unlock(&ix->lock);
    if (ix->running)
        pthread_join(ix->thread, NULL);
    store_close(&ix->store);
    pthread_cond_destroy(&ix->done);
    pthread_cond_destroy(&ix->work);
    pthread_mutex_destroy(&ix->lock);
}
