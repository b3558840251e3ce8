/*
 * zap.c - see zap.h.
 */
#include "zap.h"

#include "curve.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define MAX_FRAMES 8
#define FRAME_MAX 256

static int dir_mtime(const char *dir, struct timespec *out)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return -1;
    *out = st.st_mtim;
    return 0;
}

static void add_key(zap *z, const char *path)
{
    char z85[CURVE_Z85_LEN + 1], why[512];
    if (curve_key_read(path, z85, why, sizeof(why)) != 0) {
        log_warn("[bus] curve_clients: skipping %s", why);
        return;
    }
    uint8_t (*keys)[32] = realloc(z->keys, (z->nkeys + 1) * sizeof(*keys));
    if (keys == NULL)
        return;
    z->keys = keys;
    zmq_z85_decode(z->keys[z->nkeys++], z85);
}

/* (Re)reads every key file of the folder; dot files are left out. */
static int load_keys(zap *z)
{
    DIR *d = opendir(z->dir);
    struct dirent *e;

    z->nkeys = 0;           /* an unreadable folder lets nobody in */
    if (d == NULL)
        return -errno;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", z->dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            add_key(z, path);
    }
    closedir(d);
    log_debug("[bus] curve_clients: %zu client key(s) in %s", z->nkeys, z->dir);
    return 0;
}

int zap_open(zap *z, void *ctx, const char *dir, char *why, size_t whylen)
{
    memset(z, 0, sizeof(*z));
    z->dir = strdup(dir);
    int rc = z->dir ? load_keys(z) : -ENOMEM;
    if (rc != 0 || dir_mtime(dir, &z->dir_mtime) != 0) {
        snprintf(why, whylen, "[bus] curve_clients: cannot read %s: %s", dir,
                 strerror(rc ? -rc : ENOTDIR));
        return -1;
    }
    if (z->nkeys == 0)
        log_warn("[bus] curve_clients: no client keys in %s: nobody can connect",
                 dir);
    z->sock = zmq_socket(ctx, ZMQ_REP);
    if (z->sock == NULL || zmq_bind(z->sock, ZAP_ENDPOINT) != 0) {
        snprintf(why, whylen, "cannot start the ZAP handler: %s",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static void reload_if_changed(zap *z)
{
    struct timespec now;
    if (dir_mtime(z->dir, &now) != 0) {
        z->nkeys = 0;       /* the folder is gone: nobody is allowed */
        return;
    }
    if (now.tv_sec != z->dir_mtime.tv_sec || now.tv_nsec != z->dir_mtime.tv_nsec) {
        z->dir_mtime = now;
        load_keys(z);
    }
}

void zap_trust_self(zap *z, const char *server_secret_z85)
{
    char public[41];
    if (zmq_curve_public(public, server_secret_z85) == 0) {
        zmq_z85_decode(z->self, public);
        z->has_self = true;
    }
}

static int allowed(zap *z, const uint8_t *key)
{
    if (z->has_self && memcmp(z->self, key, 32) == 0)
        return 1;
    reload_if_changed(z);
    for (size_t i = 0; i < z->nkeys; i++)
        if (memcmp(z->keys[i], key, 32) == 0)
            return 1;
    return 0;
}

typedef struct frame {
    char data[FRAME_MAX];
    size_t len;
} frame;

/* Receives one whole request; returns its frame count or -1. */
static int recv_request(void *sock, frame *f)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        if (n < MAX_FRAMES) {
            f[n].len = zmq_msg_size(&m) < FRAME_MAX ? zmq_msg_size(&m) : FRAME_MAX;
            memcpy(f[n].data, zmq_msg_data(&m), f[n].len);
        }
        n++;
        more = zmq_msg_more(&m);
        zmq_msg_close(&m);
    }
    return n;
}

static void reply(void *sock, const frame *request_id, const char *code,
                  const char *text, const char *user)
{
    zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(sock, request_id->data, request_id->len, ZMQ_SNDMORE);
    zmq_send(sock, code, strlen(code), ZMQ_SNDMORE);
    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(sock, "", 0, 0);
}

static int is(const frame *f, const char *s)
{
    return f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}

/*
 * Frames: version, request id, domain, address, routing id, mechanism,
 * credentials (for CURVE: the client's 32-byte public key).
 */
static void handle(zap *z, frame *f, int n)
{
    char address[FRAME_MAX + 1], user[CURVE_Z85_LEN + 1] = "";

    if (n < 6) {
        /* Not a ZAP request; a REP socket must still answer something. */
        zmq_send(z->sock, "", 0, 0);
        return;
    }
    snprintf(address, sizeof(address), "%.*s", (int)f[3].len, f[3].data);
    if (!is(&f[0], "1.0") || !is(&f[5], "CURVE") || n < 7 || f[6].len != 32) {
        z->refused++;
        log_msg(LOG_NOTICE, "bus: refused a client from %s: not CURVE", address);
        reply(z->sock, &f[1], "400", "CURVE required", "");
        return;
    }
    zmq_z85_encode(user, (const uint8_t *)f[6].data, 32);
    if (!allowed(z, (const uint8_t *)f[6].data)) {
        z->refused++;
        log_msg(LOG_NOTICE, "bus: refused a client from %s: key %s is not in %s", address,
                   user, z->dir);
        reply(z->sock, &f[1], "400", "unknown client key", "");
        return;
    }
    z->accepted++;
    log_debug("bus: client %s from %s let in", user, address);
    reply(z->sock, &f[1], "200", "OK", user);
}

static int on_request(zwatch *w)
{
    zap *z = w->data;
    frame f[MAX_FRAMES];
    int n = recv_request(z->sock, f);
    if (n < 0)
        return -1;
    handle(z, f, n);
    return 0;
}

void zap_attach(zap *z, uv_loop_t *loop)
{
    zwatch_start(&z->watch, loop, z->sock, on_request, z);
}

void zap_detach(zap *z)
{
    zwatch_stop(&z->watch);
}

void zap_close(zap *z)
{
    if (z->sock != NULL)
        zmq_close(z->sock);
    free(z->keys);
    free(z->dir);
    memset(z, 0, sizeof(*z));
}
