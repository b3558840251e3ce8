/*
 * ingest.h - files submitted over the bus (a ZeroMQ ROUTER socket).
 *
 * A DEALER sends ["SUBMIT", "<name>", <bytes>] (a REQ socket's empty
 * delimiter frame is accepted and echoed).  The bytes are written to a dot
 * name in the drop folder, flushed, and renamed to <name>; from there the
 * file is processed like any dropped file.  The reply, once the file is
 * safely there, is ["OK", "<id>", "<final name>"] (id: the XXH3-64 of the
 * bytes, as in the document's source id), or ["ERROR", "<why>"].  A name
 * already waiting in the drop folder or being processed gets a number:
 * "talk (2).txt".  Writing happens on libuv's thread pool; replies and
 * everything else on the loop thread.
 */
#ifndef TD_INGEST_H
#define TD_INGEST_H

#include "zwatch.h"

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

/* Longest name accepted, in bytes: room is left for " (99)" and for
 * "NAME.error.json" in the failed folder. */
#define INGEST_NAME_MAX 200

typedef struct ingest {
    void *sock;                 /* ROUTER, or NULL */
    char *inbox, *work;
    long long max_size;         /* bytes; 0 = no limit */
    uv_loop_t *loop;
    zwatch watch;
    size_t busy;                /* writes in flight */
    unsigned long accepted, refused;
} ingest;

/*
 * Takes sock (not yet bound) and sets what it needs on it: files go to
 * inbox, names in work count as taken, requests larger than max_size get
 * an error.  0, or -1 with why filled.
 */
int ingest_init(ingest *in, void *sock, const char *inbox, const char *work,
                long long max_size, char *why, size_t whylen);
/* Removes temporary files a crash left, then starts answering on loop. */
void ingest_attach(ingest *in, uv_loop_t *loop);
/* Stops taking requests; writes in flight still get their reply. */
void ingest_detach(ingest *in);
void ingest_close(ingest *in);

/* NULL if name may be used for a submitted file, else why not. */
const char *ingest_check_name(const char *name, size_t len);

/* Frames kept of a request: routing id, delimiter, SUBMIT, name, bytes. */
#define INGEST_MAX_FRAMES 5

typedef struct ingest_frame {
    const void *data;
    size_t len;
} ingest_frame;

/* Where the parts of a good request are. */
typedef struct ingest_request {
    bool delimited;         /* a REQ socket's empty frame: echoed back */
    const ingest_frame *name, *body;
} ingest_request;

/*
 * Checks a request of n frames, the routing id first (f holds the first
 * INGEST_MAX_FRAMES of them; n may be more).  NULL with r filled if it is
 * to be taken, else the error to send back (a constant, or why).
 */
const char *ingest_check_request(const ingest_frame *f, size_t n, long long max_size,
                                 ingest_request *r, char *why, size_t whylen);

#endif
