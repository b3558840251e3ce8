/*
 * status.h - what the running daemon reports about itself: counters and
 * per-plugin times, as JSON (`transcriptd status`, the control socket) and
 * as Prometheus text (the [metrics] endpoint).  One snapshot feeds both.
 */
#ifndef TD_STATUS_H
#define TD_STATUS_H

#include "chain.h"
#include "timing.h"

#include <jansson.h>
#include <stdbool.h>

typedef struct daemon_counters {
    int pid;
    double uptime_s;
    unsigned long long queued, in_flight, done, failed;
    unsigned long long reloads, reloads_refused;
    int workers;
    bool stopping;
    const chain *chain;             /* the current one */
    const timing_table *timings;
} daemon_counters;

/* Fills a snapshot; the daemon provides it.  Loop thread. */
typedef void (*status_fn)(void *arg, daemon_counters *out);

/*
 * {"pid", "version", "uptime_s", "queued", "in_flight", "done", "failed",
 *  "reloads", "reloads_refused", "workers", "stopping", "chain": [names],
 *  "plugins": [{"name", "count", "p50_ms", "p99_ms", "total_ms"}]}
 */
json_t *status_json(const daemon_counters *c);
/* The same figures in the Prometheus text exposition format 0.0.4. */
int status_prometheus(const daemon_counters *c, td_buf *out);

#endif
