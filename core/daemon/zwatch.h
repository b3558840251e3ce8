/*
 * zwatch.h - a ZeroMQ socket driven by the libuv loop.
 *
 * ZMQ_FD signals edges, not levels: it fires when the socket's state
 * changed, and a message left unread (or one that arrived while we were
 * sending on the same socket) does not make it fire again.  So every
 * wake-up must handle messages until ZMQ_EVENTS says none is waiting.
 * This is that loop, written once for every socket the daemon serves.
 */
#ifndef TD_ZWATCH_H
#define TD_ZWATCH_H

#include <stdbool.h>
#include <uv.h>

typedef struct zwatch zwatch;
/*
 * Handles one waiting message (the callback receives it from w->sock).
 * Returns 0 to go on, non-zero to pause until zwatch_drain() is called
 * (a caller that limits the work in progress).
 */
typedef int (*zwatch_fn)(zwatch *w);

struct zwatch {
    uv_poll_t poll;
    void *sock;
    zwatch_fn fn;
    void *data;
    bool active;
};

/* Starts watching sock and handles what is already waiting.  0 or a uv error. */
int zwatch_start(zwatch *w, uv_loop_t *loop, void *sock, zwatch_fn fn, void *data);
/* Handles every message waiting now: after a pause, or after sending. */
void zwatch_drain(zwatch *w);
/* Stops watching (the socket stays open). */
void zwatch_stop(zwatch *w);

#endif
