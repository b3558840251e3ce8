/*
 * zwatch.c - see zwatch.h.
 */
#include "zwatch.h"

#include <zmq.h>

static bool readable(void *sock)
{
    int events = 0;
    size_t sz = sizeof(events);
    return zmq_getsockopt(sock, ZMQ_EVENTS, &events, &sz) == 0 &&
           (events & ZMQ_POLLIN);
}

void zwatch_drain(zwatch *w)
{
    while (w->active && readable(w->sock))
        if (w->fn(w) != 0)
            return;
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    zwatch_drain(h->data);
}

int zwatch_start(zwatch *w, uv_loop_t *loop, void *sock, zwatch_fn fn, void *data)
{
    int fd;
    size_t sz = sizeof(fd);
    w->sock = sock;
    w->fn = fn;
    w->data = data;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &sz) != 0)
        return UV_EINVAL;
    int rc = uv_poll_init(loop, &w->poll, fd);
    if (rc != 0)
        return rc;
    w->poll.data = w;
    w->active = true;
    rc = uv_poll_start(&w->poll, UV_READABLE, on_poll);
    if (rc == 0)
        zwatch_drain(w);        /* what came before the poll started */
    return rc;
}

void zwatch_stop(zwatch *w)
{
    if (!w->active)
        return;
    w->active = false;
    uv_close((uv_handle_t *)&w->poll, NULL);
}
