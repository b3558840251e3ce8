/*
 * ingest.c - see ingest.h.
 */
#include "ingest.h"

#include "log.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <transcriptd/text.h>
#include <unistd.h>
#include <xxhash.h>
#include <zmq.h>

#define TMP_PREFIX ".submit-"
#define MAX_BUSY 8          /* writes in flight before requests wait */
#define MAX_COPIES 99       /* "name (99).txt" is the last one tried */

typedef struct submit {
    uv_work_t work;
    ingest *in;
    zmq_msg_t identity;
    bool delimited;         /* a REQ socket's envelope, echoed back */
    char name[INGEST_NAME_MAX + 1];
    zmq_msg_t body;
    /* Filled by the worker. */
    char final[INGEST_NAME_MAX + 16];
    char id[17];
    char error[256];
} submit;

int ingest_init(ingest *in, void *sock, const char *inbox, const char *work,
                long long max_size, char *why, size_t whylen)
{
    memset(in, 0, sizeof(*in));
    in->sock = sock;
    in->max_size = max_size > 0 ? max_size : 0;
    in->inbox = strdup(inbox);
    in->work = strdup(work);
    /*
     * A request a little over the limit gets an error reply; one far over
     * it is cut off by ZeroMQ before it fills our memory.  Few requests
     * wait per client: each may be a whole file.
     */
    int64_t cap = in->max_size ? in->max_size * 2 + (1 << 20) : -1;
    int hwm = 4;
    if (in->inbox == NULL || in->work == NULL ||
        zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &cap, sizeof(cap)) != 0 ||
        zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof(hwm)) != 0) {
        snprintf(why, whylen, "[bus] ingest: cannot set up the socket: %s",
                 in->inbox && in->work ? zmq_strerror(zmq_errno()) : "out of memory");
        return -1;
    }
    return 0;
}

/* ---- replies ----------------------------------------------------------------- */

static void send_reply(ingest *in, zmq_msg_t *identity, bool delimited,
                       const char *const *frames, int n)
{
    zmq_msg_t copy;
    zmq_msg_init(&copy);
    zmq_msg_copy(&copy, identity);
    /* DONTWAIT: a client that went away loses its reply, nothing more. */
    if (zmq_msg_send(&copy, in->sock, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&copy);
        return;
    }
    if (delimited)
        zmq_send(in->sock, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    for (int i = 0; i < n; i++)
        zmq_send(in->sock, frames[i], strlen(frames[i]),
                 (i + 1 < n ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT);
}

static void reply_error(ingest *in, zmq_msg_t *identity, bool delimited,
                        const char *why)
{
    const char *frames[] = { "ERROR", why };
    in->refused++;
    send_reply(in, identity, delimited, frames, 2);
}

/* ---- the worker: write, flush, rename ----------------------------------------- */

static void fail(submit *s, const char *what, int err)
{
    snprintf(s->error, sizeof(s->error), "%s: %s", what, strerror(err));
}

/* "talk.txt" -> "talk (2).txt"; "README" -> "README (2)". */
static void numbered(const char *name, int copy, char *out, size_t outlen)
{
    const char *dot = strrchr(name, '.');
    if (copy == 1)
        snprintf(out, outlen, "%s", name);
    else if (dot == NULL || dot == name)
        snprintf(out, outlen, "%s (%d)", name, copy);
    else
        snprintf(out, outlen, "%.*s (%d)%s", (int)(dot - name), name, copy, dot);
}

/* Renames tmp to the first free name; 0, -EEXIST (none free) or -errno. */
static int place(submit *s, const char *tmp)
{
    const ingest *in = s->in;
    char to[4096], busy[4096];

    for (int copy = 1; copy <= MAX_COPIES; copy++) {
        numbered(s->name, copy, s->final, sizeof(s->final));
        /* A name being processed is taken too: outputs would collide. */
        snprintf(busy, sizeof(busy), "%s/%s", in->work, s->final);
        if (access(busy, F_OK) == 0)
            continue;
        snprintf(to, sizeof(to), "%s/%s", in->inbox, s->final);
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
            return 0;
        if (errno == EINVAL) {
            /* No RENAME_NOREPLACE here: link() never replaces either. */
            if (link(tmp, to) == 0) {
                unlink(tmp);
                return 0;
            }
        }
        if (errno != EEXIST)
            return -errno;
    }
    return -EEXIST;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void write_file(uv_work_t *w)
{
    submit *s = w->data;
    const char *data = zmq_msg_data(&s->body);
    size_t len = zmq_msg_size(&s->body);
    char tmp[4096];

    snprintf(s->id, sizeof(s->id), "%016llx",
             (unsigned long long)XXH3_64bits(data, len));
    snprintf(tmp, sizeof(tmp), "%s/" TMP_PREFIX "XXXXXX", s->in->inbox);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        fail(s, "cannot create a file in the drop folder", errno);
        return;
    }
    int rc = write_all(fd, data, len);
    if (rc == 0 && (fchmod(fd, 0640) != 0 || fsync(fd) != 0))
        rc = -errno;
    if (close(fd) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0)
        rc = place(s, tmp);
    if (rc != 0) {
        if (rc == -EEXIST)
            snprintf(s->error, sizeof(s->error), "%d files named %s are "
                     "already waiting", MAX_COPIES, s->name);
        else
            fail(s, "cannot write to the drop folder", -rc);
        unlink(tmp);
        return;
    }
    sync_dir(s->in->inbox);
    /* Logged here, before the watcher can log about the file. */
    log_file(LOG_INFO, s->final, NULL, NULL, "submitted over the bus (%zu bytes, "
             "id %s)", len, s->id);
}


static void after_write(uv_work_t *w, int status)
{
    submit *s = w->data;
    ingest *in = s->in;

    in->busy--;
    if (status == UV_ECANCELED)
        snprintf(s->error, sizeof(s->error), "the daemon is stopping");
    if (*s->error) {
        log_file(LOG_WARNING, s->name, NULL, "ingest", "%s", s->error);
        reply_error(in, &s->identity, s->delimited, s->error);
    } else {
        const char *frames[] = { "OK", s->id, s->final };
        in->accepted++;
        send_reply(in, &s->identity, s->delimited, frames, 3);
    }
    zmq_msg_close(&s->identity);
    zmq_msg_close(&s->body);
    free(s);
    /* Requests may have waited while MAX_BUSY writes were in flight. */
    zwatch_drain(&in->watch);
}

/* ---- requests ---------------------------------------------------------------- */

/* Receives one whole message, keeping its first INGEST_MAX_FRAMES frames in f.
 * Returns the number of frames it had, or -1. */
static int recv_frames(void *sock, zmq_msg_t *f)
{
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < INGEST_MAX_FRAMES) {
            zmq_msg_init(&f[n]);
            zmq_msg_move(&f[n], &m);
        }
        zmq_msg_close(&m);
        n++;
    }
    return n > 0 ? n : -1;
}

static void handle(ingest *in, zmq_msg_t *m, int n)
{
    ingest_frame f[INGEST_MAX_FRAMES];
    for (int i = 0; i < n && i < INGEST_MAX_FRAMES; i++)
        f[i] = (ingest_frame){ zmq_msg_data(&m[i]), zmq_msg_size(&m[i]) };
    ingest_request r;
    char why[128];
    const char *bad = ingest_check_request(f, (size_t)n, in->max_size, &r, why,
                                           sizeof(why));
    submit *s = bad ? NULL : calloc(1, sizeof(*s));

    if (s == NULL) {
        log_msg(LOG_NOTICE, "bus: refused a submit request: %s",
                bad ? bad : "out of memory");
        reply_error(in, &m[0], r.delimited, bad ? bad : "out of memory");
    } else {
        s->in = in;
        s->delimited = r.delimited;
        s->work.data = s;
        memcpy(s->name, r.name->data, r.name->len);
        zmq_msg_init(&s->identity);
        zmq_msg_move(&s->identity, &m[0]);
        zmq_msg_init(&s->body);
        zmq_msg_move(&s->body, &m[r.body - f]);
        in->busy++;
        uv_queue_work(in->loop, &s->work, write_file, after_write);
    }
    for (int i = 0; i < n && i < INGEST_MAX_FRAMES; i++)
        zmq_msg_close(&m[i]);
}

/* One request; pauses while MAX_BUSY writes are in flight. */
static int on_readable(zwatch *w)
{
    ingest *in = w->data;
    if (in->busy >= MAX_BUSY)
        return -1;
    zmq_msg_t f[INGEST_MAX_FRAMES];
    int n = recv_frames(in->sock, f);
    if (n < 0)
        return -1;
    handle(in, f, n);
    return 0;
}

/* Temporary files of writes a crash interrupted. */
static void remove_stale(const char *inbox)
{
    DIR *d = opendir(inbox);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 &&
            unlinkat(dirfd(d), e->d_name, 0) == 0)
            log_info("%s/%s: removed, left by an interrupted submit", inbox,
                     e->d_name);
    closedir(d);
}

void ingest_attach(ingest *in, uv_loop_t *loop)
{
    if (in->sock == NULL)
        return;
    remove_stale(in->inbox);
    in->loop = loop;
    zwatch_start(&in->watch, loop, in->sock, on_readable, in);
}

void ingest_detach(ingest *in)
{
    zwatch_stop(&in->watch);
}

void ingest_close(ingest *in)
{
    if (in->sock != NULL)
        zmq_close(in->sock);
    free(in->inbox);
    free(in->work);
    memset(in, 0, sizeof(*in));
}
