/*
 * cli_bus.h - what the bus clients (tail, submit) share: their CURVE
 * options, connecting a socket, and telling that the daemon refused us.
 */
#ifndef TD_CLI_BUS_H
#define TD_CLI_BUS_H

#include <stddef.h>

/* The getopt_long entries of the CURVE options, with their values. */
#define CLI_BUS_CURVE_KEY 0x100
#define CLI_BUS_SERVER_KEY 0x101
#define CLI_BUS_LONG                                                   \
    { "curve-key", required_argument, NULL, CLI_BUS_CURVE_KEY },       \
    { "server-key", required_argument, NULL, CLI_BUS_SERVER_KEY }

typedef struct cli_bus {
    void *ctx;
    const char *curve_key;      /* our secret key file, or NULL */
    const char *server_key;     /* the daemon's public key file, or NULL */
    int sockets;                /* made so far: names the monitors */
} cli_bus;

typedef struct cli_sock {
    void *s;
    void *monitor;              /* PAIR receiving handshake failures */
} cli_sock;

/* Handles a CURVE option; returns 1 when it was one, 0 otherwise. */
int cli_bus_opt(cli_bus *cb, int opt, const char *arg);
/* Checks the options and starts ZeroMQ.  0, or -1 after printing why. */
int cli_bus_init(cli_bus *cb);
void cli_bus_term(cli_bus *cb);

/* A socket of type connected to endpoint.  0, or -1 after printing why. */
int cli_bus_connect(cli_bus *cb, cli_sock *cs, int type, const char *endpoint);
void cli_bus_close(cli_sock *cs);
/*
 * Whether the daemon turned down our handshake (an unknown key, or CURVE
 * on one side only), from the events seen so far; why gets the reason.
 */
int cli_bus_refused(cli_sock *cs, char *why, size_t whylen);

#endif
