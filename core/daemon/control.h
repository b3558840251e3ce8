/*
 * control.h - the control socket that `transcriptd status` asks.
 *
 * A ZeroMQ ROUTER bound to [daemon] control (by default an ipc:// socket
 * in the state folder, so that file permissions decide who may ask),
 * served on the loop thread.  A REQ or DEALER sends one frame, "STATUS",
 * and gets one frame back: the JSON object of status_json().  Anything
 * else gets {"error": "..."}.
 */
#ifndef TD_CONTROL_H
#define TD_CONTROL_H

#include "status.h"

#include "zwatch.h"

#include <uv.h>

typedef struct control {
    void *ctx;
    void *sock;
    zwatch watch;
    status_fn status;
    void *arg;
    char *ipc_path;         /* the socket file, removed at close */
} control;

/* Binds endpoint ("" or NULL: no socket).  0, or -1 with why filled. */
int control_open(control *c, const char *endpoint, char *why, size_t whylen);
void control_attach(control *c, uv_loop_t *loop, status_fn status, void *arg);
void control_detach(control *c);
void control_close(control *c);

/*
 * The client side: sends STATUS to endpoint and waits up to timeout_ms.
 * Returns the answer (caller decrefs), or NULL with why filled.
 */
json_t *control_ask_status(const char *endpoint, int timeout_ms, char *why,
                           size_t whylen);

#endif
