/*
 * indexer.h - the one thread that writes the index, with group commit.
 *
 * SQLite takes one writer at a time.  Rather than worker threads taking
 * turns at the database, each hands its document to the indexer and waits;
 * the indexer takes every document waiting, writes them in one
 * transaction, commits, and wakes their workers.  Alone, a document waits
 * for its own commit only; under load the transactions grow by themselves,
 * and the full-text index is cheaper to build in larger pieces.  A
 * document's run() returns only after its rows are committed, so a
 * document is searchable before its transcript.done.
 */
#ifndef TD_SQLITE_INDEXER_H
#define TD_SQLITE_INDEXER_H

#include "store.h"

#include <pthread.h>

/* One document waiting for the indexer, on its worker's stack. */
typedef struct index_job {
    const td_doc *doc;          /* the worker does not touch it meanwhile */
    const char *path;           /* the database */
    const doc_facts *facts;
    td_error *err;              /* the worker's: the reason on failure */
    int rc;
    bool done;
    struct index_job *next;
} index_job;

typedef struct indexer {
    pthread_mutex_t lock;
    pthread_cond_t work;        /* a job came, or fini */
    pthread_cond_t done;        /* a batch finished */
    index_job *head, *tail;     /* waiting, in the order they came */
    bool running, stopping;
    unsigned long long received;    /* jobs queued so far */
    pthread_t thread;
    /* The indexer thread's alone. */
    store store;
    unsigned long long commits; /* transactions committed */
    unsigned long long batched; /* documents committed with others */
} indexer;

int indexer_init(indexer *ix, int busy_ms, bool fsync, td_error *err);
/*
 * Queues job and waits until its rows are committed, or its transaction
 * failed (job->err then says why).  The thread is started on the first
 * job, so that a process that never indexes has none.  Returns job->rc.
 */
int indexer_submit(indexer *ix, index_job *job);
/* Writes what is still queued, stops the thread and closes the database. */
void indexer_fini(indexer *ix);

#endif
