/*
 * notify.c - see notify.h.
 */
#include "notify.h"

#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#define STATUS_EVERY_MS 2000

static void send_status(notifier *n)
{
    char line[512];
    n->status(n->arg, line, sizeof(line));
    sd_notifyf(0, "STATUS=%s", line);
}

static void on_tick(uv_timer_t *t)
{
    notifier *n = t->data;
    if (n->watchdog_usec)
        sd_notify(0, "WATCHDOG=1");
    send_status(n);
}

void notify_start(notifier *n, uv_loop_t *loop,
                  void (*status)(void *arg, char *buf, size_t len), void *arg)
{
    n->status = status;
    n->arg = arg;
    n->active = getenv("NOTIFY_SOCKET") != NULL;
    if (!n->active)
        return;
    if (sd_watchdog_enabled(0, &n->watchdog_usec) <= 0)
        n->watchdog_usec = 0;
    uint64_t every = STATUS_EVERY_MS;
    if (n->watchdog_usec && n->watchdog_usec / 2000 < every)
        every = n->watchdog_usec / 2000 ? n->watchdog_usec / 2000 : 1;
    uv_timer_init(loop, &n->timer);
    n->timer.data = n;
    uv_timer_start(&n->timer, on_tick, every, every);
}

void notify_ready(notifier *n)
{
    if (!n->active)
        return;
    char line[512];
    n->status(n->arg, line, sizeof(line));
    sd_notifyf(0, "READY=1\nSTATUS=%s", line);
}

void notify_reloading(notifier *n)
{
    struct timespec ts;
    if (!n->active)
        return;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the configuration\n"
               "MONOTONIC_USEC=%llu",
               (unsigned long long)ts.tv_sec * 1000000ull +
               (unsigned long long)ts.tv_nsec / 1000ull);
}

void notify_stopping(notifier *n)
{
    if (!n->active)
        return;
    sd_notify(0, "STOPPING=1\nSTATUS=finishing the files in flight");
}

void notify_stop(notifier *n)
{
    if (n->active && !uv_is_closing((uv_handle_t *)&n->timer))
        uv_close((uv_handle_t *)&n->timer, NULL);
}
