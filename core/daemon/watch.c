/*
 * watch.c - see watch.h.
 *
 * libuv's uv_fs_event does not report IN_CLOSE_WRITE or queue overflows,
 * so the inotify descriptor is polled directly.
 */
#include "watch.h"

#include "log.h"

#include <errno.h>
#include <stdalign.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static void on_readable(uv_poll_t *handle, int status, int events)
{
    watch *w = handle->data;
    alignas(struct inotify_event) char buf[64 * 1024];

    (void)events;
    if (status < 0) {
        log_error("watching the drop folder failed: %s", uv_strerror(status));
        return;
    }
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;     /* EAGAIN: drained */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof(*ev) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                log_warn("inotify queue overflowed; rescanning the drop folder");
                w->on_overflow(w);
            } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
                log_error("the drop folder was removed or moved away");
            } else if (ev->len > 0 && (ev->mask & (IN_CREATE | IN_ISDIR))) {
                if (w->on_create != NULL)
                    w->on_create(w, ev->name);
            } else if (ev->len > 0) {
                w->on_file(w, ev->name);
            }
        }
    }
}

int watch_start(watch *w, uv_loop_t *loop, const char *dir,
                watch_file_cb on_file, watch_overflow_cb on_overflow)
{
    w->on_file = on_file;
    w->on_overflow = on_overflow;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0)
        return -errno;
    w->wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                              IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (w->wd < 0) {
        int rc = -errno;
        close(w->fd);
        return rc;
    }
    int rc = uv_poll_init(loop, &w->poll, w->fd);
    if (rc == 0) {
        w->poll.data = w;
        rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
    }
    if (rc != 0)
        close(w->fd);
    return rc;
}

static void on_closed(uv_handle_t *h)
{
    watch *w = h->data;
    close(w->fd);
    w->fd = -1;
}

void watch_stop(watch *w)
{
    if (w->fd >= 0 && !uv_is_closing((uv_handle_t *)&w->poll))
        uv_close((uv_handle_t *)&w->poll, on_closed);
}
