/*
 * notify.h - telling systemd how the daemon is doing (sd_notify): ready,
 * reloading, stopping, a STATUS= line, and watchdog pings from the loop.
 *
 * Without $NOTIFY_SOCKET (not run by systemd as Type=notify) every call
 * is a no-op.  Loop thread only.
 */
#ifndef TD_NOTIFY_H
#define TD_NOTIFY_H

#include <uv.h>

typedef struct notifier {
    uv_timer_t timer;
    int active;
    uint64_t watchdog_usec;     /* 0: no watchdog asked for */
    /* Writes the STATUS= text; called on every tick. */
    void (*status)(void *arg, char *buf, size_t len);
    void *arg;
} notifier;

/*
 * Starts the ticks: STATUS= every 2 seconds and, when systemd set a
 * watchdog (WatchdogSec=), WATCHDOG=1 at half its interval.  A loop that
 * hangs stops the pings and systemd restarts the service.
 */
void notify_start(notifier *n, uv_loop_t *loop,
                  void (*status)(void *arg, char *buf, size_t len), void *arg);
void notify_ready(notifier *n);
/* RELOADING=1 with MONOTONIC_USEC (which systemd 253 and later expect). */
void notify_reloading(notifier *n);
void notify_stopping(notifier *n);
void notify_stop(notifier *n);

#endif
