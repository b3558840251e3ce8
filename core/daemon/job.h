/*
 * job.h - one file through the chain, from its bytes to its outputs and
 * its place in done/ or failed/.  Runs on a worker thread; touches no
 * loop-owned state.  The event it builds is published by the loop.
 */
#ifndef TD_JOB_H
#define TD_JOB_H

#include "chain.h"
#include "pool.h"

#include <jansson.h>
#include <stdatomic.h>

/* Where a job's files go.  done and failed are NULL for `process`. */
typedef struct job_env {
    const char *outbox;
    const char *done;
    const char *failed;
    bool sync;
    long long max_file_size;
    const char *staging;    /* outputs go here instead (a worker's); NULL: outbox */
    long long timeout_s;        /* per document; 0: none */
    long long max_memory;       /* per document; 0: none */
} job_env;

typedef struct job {
    pool_task task;         /* first: a job is a pool task */
    char *name;             /* the file's name in the drop folder */
    char *label;            /* the name as valid UTF-8, for JSON and logs */
    char *path;             /* where it is read from */
    chain *chain;
    job_env env;            /* a copy: a reload may change the daemon's */
    void *owner;            /* for the code that made the job */

    bool ok;
    json_t *event;          /* payload of transcript.done or .failed */

    /* Where it is, for the loop to see a plugin overrun job_timeout. */
    _Atomic uint64_t started_ns;        /* 0 until it runs */
    _Atomic(const char *) running;      /* the plugin in it, or NULL */
    bool overrun_told;                  /* loop thread */
} job;

job *job_new(const char *name, const char *path, chain *ch,
             const job_env *env);
void job_free(job *j);
/* Does the work; sets ok and event. */
void job_run(job *j);

/*
 * The daemon's own steps of job_run(), for when the chain runs in a worker
 * process (see broker.h).  job_read: the source's bytes (malloc'd), read
 * with the same checks, or NULL with f filled.  job_fail: logs f, writes
 * the error file, moves the source into failed/ and sets the event.
 * job_move_done: moves the source into done/; its new path or NULL.
 */
char *job_read(const job *j, size_t *len, chain_failure *f);
void job_fail(job *j, chain_failure *f, const char *id);
char *job_move_done(const job *j);

#endif
