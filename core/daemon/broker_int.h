/*
 * broker_int.h - the broker's parts (see broker.h), shared by its files:
 * broker.c (the socket, the workers it knows, handing out jobs,
 * heartbeats and deadlines), broker_local.c (the local worker processes)
 * and ticket.c (a job's reading and commit on the I/O threads).
 * Loop thread, unless a function says otherwise.
 */
#ifndef TD_BROKER_INT_H
#define TD_BROKER_INT_H

#include "broker.h"
#include "pool.h"
#include "wire.h"

#include <stdint.h>

typedef struct broker broker;
typedef struct peer peer;
typedef struct slot slot;

/* One job on its way: read, queued, on a worker, committed. */
typedef struct ticket {
    pool_task task;         /* first: the I/O threads read and commit it */
    broker *b;
    job *j;
    struct ticket *next;    /* in the queue */
    int attempts;           /* times given to a worker */
    bool retry;             /* read again after a lost worker: queue first */
    uint64_t id;            /* of the current attempt */
    char *bytes;            /* read, not yet sent */
    size_t len;
    double ms;              /* time spent on it so far */
    /* The outcome. */
    bool failed;            /* f says why */
    chain_failure f;
    char plugin[64], stage[16];     /* f's strings */
    json_t *event;          /* the worker's event */
    zmq_msg_t *outputs;     /* ext, bytes, ext, bytes... */
    size_t noutputs;        /* frames */
} ticket;

/* A worker that said READY. */
struct peer {
    peer *next;
    unsigned char id[256];  /* its ROUTER identity */
    size_t idlen;
    char name[96];
    char host[96];
    int pid;
    slot *local;            /* its process, when the daemon started it */
    ticket *job;            /* the job it runs, or NULL */
    char plugin[64], stage[16];     /* where that job is (PROGRESS) */
    uint64_t heard_ms;      /* the last message from it */
    uint64_t job_ms;        /* when it got the job */
    uint64_t idle_seq;      /* least recently used goes first */
    bool busy_elsewhere;    /* finishing a job of an earlier session */
    bool unreachable;       /* a send failed: wait for its end */
    bool stale;             /* started on an older config: restart when idle */
};

/* A local worker process. */
struct slot {
    broker *b;
    int index;              /* its name: local-<index> */
    uv_process_t proc;
    uv_timer_t delay;       /* before starting it again */
    bool running;           /* proc is open */
    bool ready;             /* its process said READY */
    int failures;           /* ended before READY, in a row */
    int pid;
    peer *peer;
};

struct broker {
    executor x;
    uv_loop_t *loop;
    void *sock;             /* ROUTER */
    uv_poll_t poll;
    uv_prepare_t prepare;
    uv_timer_t tick;
    pool io;
    bool poll_open, tick_open, io_open;
    char *endpoint;
    char *config_path;      /* for local workers: the daemon's -c */
    char *scratch;          /* local workers' scratch folders go under it */
    int verbosity;
    uint64_t timeout_ms;    /* [daemon] job_timeout; 0: none */
    peer *peers;
    size_t npeers;
    ticket *head, *tail;    /* waiting for a worker */
    slot *slots;
    int nslots;
    uv_timer_t kill_timer;  /* stopping: local workers that linger */
    bool kill_open;
    uint64_t next_id, idle_seq, next_beat;
    bool stopping;
};

/* How a worker was lost. */
enum {
    LOSS_LEFT,              /* said DISCONNECT, or cannot be reached */
    LOSS_SIGNAL,            /* a local one, killed by signal arg */
    LOSS_EXIT,              /* a local one, exited with status arg */
    LOSS_SILENT,            /* no heartbeat for WIRE_LIVENESS intervals */
    LOSS_TIMEOUT,           /* its job overran job_timeout */
    LOSS_RESTARTED,         /* said READY again on the same session */
};

/* broker.c */
void broker_pump(broker *b);
void broker_enqueue(broker *b, ticket *t);
/*
 * A worker is gone: forgotten, and its job (if any) given to another
 * worker or failed, with a reason naming the plugin it was in.
 */
void broker_peer_lost(broker *b, peer *p, int kind, int arg);

/* broker_local.c */
int local_start(broker *b, int n, td_buf *errors);
void local_match(broker *b, peer *p);       /* a READY: is it one of ours? */
void local_kill(slot *s);
/* Where p's job is, from the stage file of its process (worker_job.h). */
void local_where(slot *s, peer *p);
void local_stop(broker *b);

/* ticket.c */
void ticket_submit(broker *b, job *j);
/* Given to a worker: the bytes are sent, free them. */
void ticket_sent(ticket *t);
/* The worker's result (frames from the status on), or a lost attempt. */
void ticket_result(ticket *t, wire_msg *m, size_t first);
void ticket_lost(ticket *t, const char *plugin, const char *where,
                 const char *reason);
void ticket_free(ticket *t);

uint64_t broker_now(const broker *b);

#endif
