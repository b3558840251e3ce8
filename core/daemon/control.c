/*
 * control.c - see control.h.
 */
#include "control.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define MAX_FRAMES 8

int control_open(control *c, const char *endpoint, char *why, size_t whylen)
{
    int linger = 0;
    memset(c, 0, sizeof(*c));
    if (endpoint == NULL || *endpoint == '\0')
        return 0;
    if ((c->ctx = zmq_ctx_new()) == NULL ||
        (c->sock = zmq_socket(c->ctx, ZMQ_ROUTER)) == NULL) {
        snprintf(why, whylen, "cannot start ZeroMQ: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger));
    if (zmq_bind(c->sock, endpoint) != 0) {
        snprintf(why, whylen, "[daemon] control: cannot bind %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    /* ZeroMQ leaves the file of an ipc:// socket behind; we do not. */
    if (strncmp(endpoint, "ipc://", 6) == 0 && endpoint[6] != '@')
        c->ipc_path = strdup(endpoint + 6);
    return 0;
}

/* The routing frames (identity, and the empty delimiter of a REQ) go back
 * as they came; the last frame is the request. */
static void answer(control *c, zmq_msg_t *frames, int n)
{
    const char *req = zmq_msg_data(&frames[n - 1]);
    size_t len = zmq_msg_size(&frames[n - 1]);
    json_t *reply;

    if (len == 6 && memcmp(req, "STATUS", 6) == 0) {
        daemon_counters dc;
        c->status(c->arg, &dc);
        reply = status_json(&dc);
    } else {
        reply = json_pack("{s:s}", "error", "unknown request; send STATUS");
    }
    char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
    json_decref(reply);
    for (int i = 0; i < n - 1; i++)
        zmq_send(c->sock, zmq_msg_data(&frames[i]), zmq_msg_size(&frames[i]),
                 ZMQ_SNDMORE | ZMQ_DONTWAIT);
    const char *out = text ? text : "{\"error\":\"out of memory\"}";
    zmq_send(c->sock, out, strlen(out), ZMQ_DONTWAIT);
    free(text);
}

/* Reads one whole message; frames past MAX_FRAMES are dropped. */
static int recv_message(void *sock, zmq_msg_t frames[MAX_FRAMES], int *overflow)
{
    int n = 0, more = 1;
    *overflow = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return n ? n : -1;
        }
        more = zmq_msg_more(&m);
        if (n < MAX_FRAMES)
            frames[n++] = m;
        else {
            *overflow = 1;
            zmq_msg_close(&m);
        }
    }
    return n;
}

static int on_request(zwatch *w)
{
    control *c = w->data;
    int overflow;
    zmq_msg_t frames[MAX_FRAMES];
    int n = recv_message(c->sock, frames, &overflow);
    if (n < 0)
        return -1;
    if (n >= 2 && !overflow)
        answer(c, frames, n);
    for (int i = 0; i < n; i++)
        zmq_msg_close(&frames[i]);
    return 0;
}

void control_attach(control *c, uv_loop_t *loop, status_fn status, void *arg)
{
    if (c->sock == NULL)
        return;
    c->status = status;
    c->arg = arg;
    zwatch_start(&c->watch, loop, c->sock, on_request, c);
}

void control_detach(control *c)
{
    zwatch_stop(&c->watch);
}

void control_close(control *c)
{
    if (c->sock)
        zmq_close(c->sock);
    if (c->ctx)
        zmq_ctx_term(c->ctx);
    if (c->ipc_path)
        unlink(c->ipc_path);
    free(c->ipc_path);
    memset(c, 0, sizeof(*c));
}

json_t *control_ask_status(const char *endpoint, int timeout_ms, char *why,
                           size_t whylen)
{
    void *ctx = zmq_ctx_new();
    void *s = ctx ? zmq_socket(ctx, ZMQ_REQ) : NULL;
    json_t *answer = NULL;
    int linger = 0;

    if (s == NULL) {
        snprintf(why, whylen, "cannot start ZeroMQ: %s", zmq_strerror(zmq_errno()));
        goto out;
    }
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof(timeout_ms));
    if (zmq_connect(s, endpoint) != 0) {
        snprintf(why, whylen, "cannot connect to %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        goto out;
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_send(s, "STATUS", 6, 0) != 6 || zmq_msg_recv(&m, s, 0) < 0) {
        snprintf(why, whylen, "no answer from %s within %d ms (is the daemon "
                 "running with this config?)", endpoint, timeout_ms);
        zmq_msg_close(&m);
        goto out;
    }
    json_error_t jerr;
    answer = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, &jerr);
    if (answer == NULL)
        snprintf(why, whylen, "unreadable answer from %s: %s", endpoint, jerr.text);
    zmq_msg_close(&m);
out:
    if (s)
        zmq_close(s);
    if (ctx)
        zmq_ctx_term(ctx);
    return answer;
}
