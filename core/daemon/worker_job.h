/*
 * worker_job.h - the job thread of a worker process: one document at a
 * time through the chain, in a private scratch folder.
 *
 * It talks to the worker's main thread over an inproc PAIR socket, with
 * the frames of wire.h minus the protocol frame: it receives
 * [JOB, id, name, bytes] or [STOP], and sends [PROGRESS, id, plugin,
 * stage] before each plugin and [RESULT, id, ok|failed, event, (ext,
 * bytes)...] at the end.  Outputs are written in the scratch folder by
 * the exporters as usual, then read back, sent and removed: the daemon
 * writes them into its outbox.
 *
 * Where the job is also goes into the scratch folder's "stage" file (a
 * shared mapping: plain stores, no system call), "<id>\n<plugin>\n<stage>\n":
 * a message can still be on its way when a plugin kills the process, the
 * file cannot, so the daemon reads it when a local worker dies.
 */
#ifndef TD_WORKER_JOB_H
#define TD_WORKER_JOB_H

#include "chain.h"

#define WORKER_JOB_ENDPOINT "inproc://transcriptd-job"

typedef struct worker_job {
    void *ctx;              /* the ZeroMQ context; the main thread has bound */
    chain *ch;              /* its on_stage hook is set to report progress */
    char *src;              /* scratch/source: the document's bytes */
    char *outdir;           /* scratch/out: the exporters' outputs */
    const char *outbox;     /* the config's: td_export_dir() (a store's home) */
    void *pair;             /* the thread's own socket */
    char id[32];            /* the job running */
    char *board;            /* scratch/stage, mapped; NULL: none */
    char *board_path;
} worker_job;

#define WORKER_BOARD_FILE "stage"
#define WORKER_BOARD_SIZE 256

/*
 * Makes scratch (mode 0700) with its out/ folder and empties them of
 * what a worker killed before left there.  0 or -errno.
 */
int worker_job_prepare(worker_job *wj, const char *scratch);
/* The thread's body; arg is the worker_job.  It sends [UP] first. */
void *worker_job_main(void *arg);
void worker_job_free(worker_job *wj);

#endif
