/*
 * cli_bus.c - see cli_bus.h.
 */
#include "cli_bus.h"

#include "curve.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#define REFUSALS (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | \
                  ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | \
                  ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

int cli_bus_opt(cli_bus *cb, int opt, const char *arg)
{
    switch (opt) {
    case CLI_BUS_CURVE_KEY: cb->curve_key = arg; return 1;
    case CLI_BUS_SERVER_KEY: cb->server_key = arg; return 1;
    default: return 0;
    }
}

int cli_bus_init(cli_bus *cb)
{
    if (!cb->curve_key != !cb->server_key) {
        fprintf(stderr, "transcriptd: --curve-key and --server-key go together\n");
        return -1;
    }
    cb->ctx = zmq_ctx_new();
    if (cb->ctx == NULL) {
        fprintf(stderr, "transcriptd: cannot start ZeroMQ: %s\n",
                zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

void cli_bus_term(cli_bus *cb)
{
    if (cb->ctx != NULL)
        zmq_ctx_term(cb->ctx);
    cb->ctx = NULL;
}

static int watch_handshakes(cli_bus *cb, cli_sock *cs)
{
    char name[64];
    snprintf(name, sizeof(name), "inproc://monitor-%d", cb->sockets);
    if (zmq_socket_monitor(cs->s, name, REFUSALS) != 0)
        return -1;
    cs->monitor = zmq_socket(cb->ctx, ZMQ_PAIR);
    return cs->monitor && zmq_connect(cs->monitor, name) == 0 ? 0 : -1;
}

int cli_bus_connect(cli_bus *cb, cli_sock *cs, int type, const char *endpoint)
{
    char why[512];
    int linger = 0, ivl_max = 2000;

    memset(cs, 0, sizeof(*cs));
    cb->sockets++;
    cs->s = zmq_socket(cb->ctx, type);
    if (cs->s == NULL) {
        fprintf(stderr, "transcriptd: cannot create a ZeroMQ socket: %s\n",
                zmq_strerror(zmq_errno()));
        return -1;
    }
    zmq_setsockopt(cs->s, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(cs->s, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof(ivl_max));
    if (cb->curve_key != NULL &&
        curve_make_client(cs->s, cb->curve_key, cb->server_key, why, sizeof(why))) {
        fprintf(stderr, "transcriptd: %s\n", why);
        return -1;
    }
    if (watch_handshakes(cb, cs) != 0 || zmq_connect(cs->s, endpoint) != 0) {
        fprintf(stderr, "transcriptd: cannot connect to %s: %s\n", endpoint,
                zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

void cli_bus_close(cli_sock *cs)
{
    if (cs->s != NULL) {
        zmq_socket_monitor(cs->s, NULL, 0);
        zmq_close(cs->s);
    }
    if (cs->monitor != NULL)
        zmq_close(cs->monitor);
    memset(cs, 0, sizeof(*cs));
}

int cli_bus_refused(cli_sock *cs, char *why, size_t whylen)
{
    zmq_msg_t m;
    int refused = 0;

    while (cs->monitor != NULL) {
        /* Two frames: a 16-bit event and a 32-bit value, then the endpoint. */
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, cs->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        uint16_t event = 0;
        if (zmq_msg_size(&m) >= 2)
            memcpy(&event, zmq_msg_data(&m), 2);
        int more = zmq_msg_more(&m);
        zmq_msg_close(&m);
        char endpoint[256] = "";
        if (more) {
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, cs->monitor, 0) >= 0) {
                size_t n = zmq_msg_size(&m) < 255 ? zmq_msg_size(&m) : 255;
                memcpy(endpoint, zmq_msg_data(&m), n);
                endpoint[n] = '\0';
            }
            zmq_msg_close(&m);
        }
        if (event & REFUSALS) {
            refused = 1;
            snprintf(why, whylen, "%s refused the connection: %s", endpoint,
                     event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                         ? "our key is not allowed in"
                         : "the security settings do not match (CURVE on one side only?)");
        }
    }
    return refused;
}
