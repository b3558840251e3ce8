/*
 * worker_job.c - see worker_job.h.
 */
#include "worker_job.h"

#include "job.h"
#include "log.h"
#include "paths.h"
#include "wire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Removes the plain files in dir (a scratch folder has nothing else). */
static void empty_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

/* The stage file, mapped shared: its stores reach the file at once. */
static char *map_board(const char *path)
{
    int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd < 0)
        return NULL;
    void *p = ftruncate(fd, WORKER_BOARD_SIZE) == 0
        ? mmap(NULL, WORKER_BOARD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        : MAP_FAILED;
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    memset(p, 0, WORKER_BOARD_SIZE);
    return p;
}

int worker_job_prepare(worker_job *wj, const char *scratch)
{
    int rc = path_mkdirs(scratch, 0700);
    if (rc != 0)
        return rc;
    wj->src = path_join(scratch, "source");
    wj->outdir = path_join(scratch, "out");
    if (wj->src == NULL || wj->outdir == NULL)
        return -ENOMEM;
    if ((rc = path_mkdirs(wj->outdir, 0700)) != 0)
        return rc;
    unlink(wj->src);
    empty_folder(wj->outdir);
    wj->board_path = path_join(scratch, WORKER_BOARD_FILE);
    wj->board = map_board(wj->board_path);
    return 0;
}

void worker_job_free(worker_job *wj)
{
    if (wj->src != NULL)
        unlink(wj->src);
    if (wj->outdir != NULL) {
        empty_folder(wj->outdir);
        rmdir(wj->outdir);
    }
    free(wj->src);
    free(wj->outdir);
    wj->src = wj->outdir = NULL;
    if (wj->board != NULL)
        munmap(wj->board, WORKER_BOARD_SIZE);
    if (wj->board_path != NULL)
        unlink(wj->board_path);
    free(wj->board_path);
    wj->board = wj->board_path = NULL;
}

static void send_strs(void *sock, const char *const *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zmq_send(sock, s[i], strlen(s[i]), i + 1 < n ? ZMQ_SNDMORE : 0);
}

/* The chain's hook: tell the daemon which plugin runs next. */
/* The chain's hook: the board first (it survives a crash), then the daemon. */
static void progress(void *arg, const char *plugin, const char *where)
{
    worker_job *wj = arg;
    if (wj->board != NULL)
        snprintf(wj->board, WORKER_BOARD_SIZE, "%s\n%.64s\n%.15s\n", wj->id,
                 plugin, where);
    const char *frames[] = { "PROGRESS", wj->id, plugin, where };
    send_strs(wj->pair, frames, 4);
}

static int write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int rc = -errno;
            close(fd);
            return rc;
        }
        p += n;
        len -= (size_t)n;
    }
    return close(fd) == 0 ? 0 : -errno;
}

static void free_data(void *data, void *hint)
{
    (void)hint;
    free(data);
}

/* Reads path whole into msg, then removes it.  0 or -errno. */
static int take_file(const char *path, zmq_msg_t *msg)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -errno;
    int rc = fstat(fd, &st) == 0 ? 0 : -errno;
    char *buf = rc == 0 ? malloc((size_t)st.st_size + 1) : NULL;
    size_t got = 0;
    if (rc == 0 && buf == NULL)
        rc = -ENOMEM;
    while (rc == 0 && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = n < 0 ? -errno : -EIO;
        else
            got += (size_t)n;
    }
    close(fd);
    unlink(path);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    zmq_msg_init_data(msg, buf, got, free_data, NULL);
    return 0;
}

/*
 * Turns a finished job into its result frames after [RESULT, id]: status,
 * event, then each output.  A job whose outputs cannot be read back
 * becomes a failed one.
 */
static size_t result_frames(worker_job *wj, job *j, zmq_msg_t *f)
{
    size_t n = 0;
    json_t *outputs = j->ok ? json_object_get(j->event, "outputs") : NULL;
    const char *ext;
    json_t *path;
    char why[512] = "";

    if (outputs != NULL && json_object_size(outputs) > WIRE_MAX_OUTPUTS)
        snprintf(why, sizeof(why), "more than %d outputs", WIRE_MAX_OUTPUTS);
    json_object_foreach(outputs, ext, path) {
        if (*why)
            break;
        int rc = take_file(json_string_value(path), &f[2 + n + 1]);
        if (rc != 0) {
            snprintf(why, sizeof(why), "cannot read back the .%s output: %s", ext,
                     strerror(-rc));
            break;
        }
        zmq_msg_init_size(&f[2 + n], strlen(ext));
        memcpy(zmq_msg_data(&f[2 + n]), ext, strlen(ext));
        n += 2;
    }
    if (*why) {
        for (size_t i = 0; i < n; i++)
            zmq_msg_close(&f[2 + i]);
        n = 0;
        json_decref(j->event);
        j->ok = false;
        j->event = json_pack("{s:s, s:s, s:s, s:s}", "source", j->label, "plugin",
                             "core", "stage", "commit", "error", why);
        empty_folder(wj->outdir);
    } else if (j->ok) {
        json_object_del(j->event, "outputs");
    }
    const char *status = j->ok ? "ok" : "failed";
    char *event = j->event ? json_dumps(j->event, JSON_COMPACT) : NULL;
    zmq_msg_init_size(&f[0], strlen(status));
    memcpy(zmq_msg_data(&f[0]), status, strlen(status));
    if (event != NULL)
        zmq_msg_init_data(&f[1], event, strlen(event), free_data, NULL);
    else
        zmq_msg_init_size(&f[1], 0);
    return 2 + n;
}

static void send_result(worker_job *wj, job *j)
{
    zmq_msg_t f[2 + 2 * WIRE_MAX_OUTPUTS];
    size_t n = result_frames(wj, j, f);
    const char *head[] = { "RESULT", wj->id };
    zmq_send(wj->pair, head[0], strlen(head[0]), ZMQ_SNDMORE);
    zmq_send(wj->pair, head[1], strlen(head[1]), ZMQ_SNDMORE);
    for (size_t i = 0; i < n; i++)
        if (zmq_msg_send(&f[i], wj->pair, i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
            zmq_msg_close(&f[i]);
}

/* A name as the drop folder has it: one path component. */
static bool plain_name(const char *name, size_t len)
{
    return len > 0 && len < 256 && memchr(name, '/', len) == NULL &&
           memchr(name, '\0', len) == NULL && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

static void failed_early(worker_job *wj, const char *label, const char *where,
                         const char *why)
{
    job j = { .label = (char *)label };
    j.event = json_pack("{s:s, s:s, s:s, s:s}", "source", label, "plugin", "core",
                        "stage", where, "error", why);
    send_result(wj, &j);
    json_decref(j.event);
}

/* [JOB, id, name, bytes] */
static void run_one(worker_job *wj, wire_msg *m)
{
    char name[256], why[300];
    size_t namelen = zmq_msg_size(&m->f[2]);
    wire_str(m, 1, wj->id, sizeof(wj->id));
    wire_str(m, 2, name, sizeof(name));
    if (wj->board != NULL)
        snprintf(wj->board, WORKER_BOARD_SIZE, "%s\ncore\ndecode\n", wj->id);
    if (!plain_name(name, namelen)) {
        failed_early(wj, "?", "read", "not a plain file name");
        return;
    }
    int rc = write_file(wj->src, zmq_msg_data(&m->f[3]), zmq_msg_size(&m->f[3]));
    if (rc != 0) {
        snprintf(why, sizeof(why), "cannot write %s: %s", wj->src, strerror(-rc));
        failed_early(wj, name, "read", why);
        return;
    }
    job_env env = { .outbox = wj->outbox, .staging = wj->outdir };
    job *j = job_new(name, wj->src, wj->ch, &env);
    if (j == NULL) {
        failed_early(wj, name, "read", "out of memory");
    } else {
        job_run(j);
        send_result(wj, j);
        job_free(j);
    }
    unlink(wj->src);
}

void *worker_job_main(void *arg)
{
    worker_job *wj = arg;
    wj->pair = zmq_socket(wj->ctx, ZMQ_PAIR);
    if (wj->pair == NULL || zmq_connect(wj->pair, WORKER_JOB_ENDPOINT) != 0) {
        log_error("job thread: cannot connect: %s", zmq_strerror(zmq_errno()));
        return NULL;
    }
    wj->ch->on_stage = progress;
    wj->ch->on_stage_arg = wj;
    zmq_send(wj->pair, "UP", 2, 0);
    for (;;) {
        zmq_pollitem_t item = { wj->pair, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&item, 1, -1) < 0 && zmq_errno() != EINTR)
            break;
        wire_msg m;
        if (wire_recv(wj->pair, &m) != 0)
            continue;
        bool stop = wire_is(&m, 0, "STOP");
        if (wire_is(&m, 0, "JOB") && m.n == 4)
            run_one(wj, &m);
        wire_close(&m);
        if (stop)
            break;
    }
    zmq_close(wj->pair);
    return NULL;
}
