/*
 * zap.h - the ZAP handler (ZeroMQ RFC 27) that lets in only the CURVE
 * clients whose public keys are in a folder, one key file each.
 *
 * It answers on inproc://zeromq.zap.01 of the daemon's ZeroMQ context, so
 * it must be bound before any CURVE socket of that context.  Requests are
 * handled on the loop thread; until zap_attach() they wait (handshakes
 * wait with them).  The folder is read again when it changes: adding or
 * removing a key file takes effect for the next connection.
 */
#ifndef TD_ZAP_H
#define TD_ZAP_H

#include "zwatch.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

typedef struct zap {
    void *sock;                 /* REP */
    char *dir;                  /* the allowed clients' public keys */
    uint8_t (*keys)[32];
    size_t nkeys;
    uint8_t self[32];           /* the daemon's own public key */
    bool has_self;
    struct timespec dir_mtime;
    unsigned long accepted, refused;
    zwatch watch;
} zap;

/* Reads the keys in dir and binds the handler.  0, or -1 with why. */
int zap_open(zap *z, void *ctx, const char *dir, char *why, size_t whylen);
/*
 * Also lets in the public half of the daemon's secret key (Z85): its own
 * local worker processes connect with it.
 */
void zap_trust_self(zap *z, const char *server_secret_z85);
void zap_attach(zap *z, uv_loop_t *loop);
void zap_detach(zap *z);
void zap_close(zap *z);

#endif
