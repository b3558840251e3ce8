/*
 * metrics.h - the [metrics] endpoint: the status counters in Prometheus
 * text format over a tiny HTTP responder on the loop thread.
 *
 * GET /metrics answers 200 with the figures; any other path 404, any
 * other method 405.  Requests are read up to METRICS_MAX_REQUEST bytes
 * (431 past that), each connection is closed after one answer or after
 * METRICS_TIMEOUT_MS, and at most METRICS_MAX_CONNS are open at once:
 * a misbehaving client cannot make the daemon hold much.
 */
#ifndef TD_METRICS_H
#define TD_METRICS_H

#include "status.h"

#include <uv.h>

#define METRICS_MAX_REQUEST 4096
#define METRICS_TIMEOUT_MS 5000
#define METRICS_MAX_CONNS 16

typedef struct conn conn;

typedef struct metrics {
    uv_tcp_t server;
    int listening;
    conn *open;
    int conns;
    status_fn status;
    void *arg;
} metrics;

/*
 * Listens on "HOST:PORT" ("127.0.0.1:9560", "[::1]:9560"); "" or NULL:
 * nothing.  0, or -1 with why filled.
 */
int metrics_start(metrics *m, uv_loop_t *loop, const char *listen,
                  status_fn status, void *arg, char *why, size_t whylen);
void metrics_stop(metrics *m);
/* Splits "HOST:PORT" into a socket address; 0 or a libuv error. */
int metrics_parse_address(const char *listen, struct sockaddr_storage *addr);

#endif
