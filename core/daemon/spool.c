/*
 * spool.c - see spool.h.
 */
#include "spool.h"

#include "log.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

int spool_prepare(const config *c, td_buf *errors)
{
    const char *dirs[] = { c->inbox, c->work, c->done, c->failed, c->outbox };
    const char *keys[] = { "inbox", "work", "done", "failed", "outbox" };
    dev_t dev = 0;

    for (size_t i = 0; i < 5; i++) {
        struct stat st;
        int rc = path_mkdirs(dirs[i], 0755);
        if (rc != 0 || stat(dirs[i], &st) != 0) {
            td_buf_printf(errors, "[daemon] %s: cannot create %s: %s\n", keys[i],
                          dirs[i], strerror(rc ? -rc : errno));
            return -1;
        }
        /* Claims and moves are renames: they must not cross file systems. */
        if (i == 0)
            dev = st.st_dev;
        else if (i < 4 && st.st_dev != dev) {
            td_buf_printf(errors, "[daemon] %s (%s) is on another file system "
                          "than inbox (%s); moves must be renames\n", keys[i],
                          dirs[i], c->inbox);
            return -1;
        }
    }
    return 0;
}

/* Held until exit: one daemon per spool. */
static int lock_fd = -1;

static int lock_spool(const config *c, td_buf *errors)
{
    if (lock_fd >= 0)
        return 0;
    char *path = path_join(c->work, ".lock");
    int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (fd >= 0 && errno == EWOULDBLOCK)
            td_buf_printf(errors, "another transcriptd is already running on "
                          "this spool (%s is locked)\n", path);
        else
            td_buf_printf(errors, "cannot lock %s: %s\n", path ? path : c->work,
                          strerror(errno));
        if (fd >= 0)
            close(fd);
        free(path);
        return -1;
    }
    free(path);
    lock_fd = fd;
    return 0;
}

/* What td_export_open() names a temporary output: .STEM.EXT.XXXXXX */
static bool temp_output_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '.' || len < 11 || name[len - 7] != '.')
        return false;
    for (size_t i = len - 6; i < len; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= 'A' && name[i] <= 'Z')))
            return false;
    /* A dot between the stem and the extension, before the suffix. */
    return memchr(name + 2, '.', len - 9) != NULL;
}

/* What job.c names an error file being written: .NAME.error.json.tmp */
static bool temp_error_name(const char *name)
{
    static const char suffix[] = ".error.json.tmp";
    size_t len = strlen(name);
    return name[0] == '.' && len > sizeof(suffix) &&
           strcmp(name + len - (sizeof(suffix) - 1), suffix) == 0;
}

/* Removes the regular files in dir whose names match; returns how many. */
static int sweep(const char *dir, bool (*match)(const char *name))
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (match(e->d_name) &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode) && unlinkat(dirfd(d), e->d_name, 0) == 0)
            n++;
    }
    closedir(d);
    return n;
}

int spool_recover(const config *c, td_buf *errors)
{
    if (lock_spool(c, errors) != 0)
        return -1;
    int n = sweep(c->outbox, temp_output_name);
    if (n > 0)
        log_info("removed %d unfinished output(s) a crash left in %s", n, c->outbox);
    n = sweep(c->failed, temp_error_name);
    if (n > 0)
        log_info("removed %d unfinished error file(s) a crash left in %s", n,
                 c->failed);
    return 0;
}

void spool_forget_failure(const char *failed, const char *name)
{
    char src[4096], err[4096];
    struct stat st;
    snprintf(src, sizeof(src), "%s/%s", failed, name);
    snprintf(err, sizeof(err), "%s/%s.error.json", failed, name);
    /* lstat: a refused link in failed/ is there even when it dangles. */
    if (lstat(src, &st) != 0 && errno == ENOENT)
        unlink(err);
}

/* ---- announcing a move: work/.NAME.leaving ------------------------------ */

#define LEAVING_SUFFIX ".leaving"

static void leaving_path(char *buf, size_t len, const char *work, const char *name)
{
    snprintf(buf, len, "%s/.%s" LEAVING_SUFFIX, work, name);
}

int spool_mark_leaving(const char *work, const char *name)
{
    char path[4096], file[4096];
    leaving_path(path, sizeof(path), work, name);
    snprintf(file, sizeof(file), "%s/%s", work, name);
    /*
     * The mark is a second name of the file itself: a hard link costs no
     * new inode, and creating one per file halved the daemon's throughput
     * on ext4.  (linkat() without AT_SYMLINK_FOLLOW links a symbolic link
     * itself.)  A file system without hard links gets an empty file.
     */
    if (linkat(AT_FDCWD, file, AT_FDCWD, path, 0) == 0 || errno == EEXIST)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    close(fd);
    return 0;
}

void spool_unmark(const char *work, const char *name)
{
    char path[4096];
    leaving_path(path, sizeof(path), work, name);
    unlink(path);
}

/*
 * If dir/name is there: moves it back to work/name unless its move was
 * announced.  Returns whether it was there.
 */
static bool bring_back_from(const char *dir, const char *work, const char *name,
                            spool_announced_fn announced, void *arg)
{
    char from[4096], to[4096];
    struct stat st;
    snprintf(from, sizeof(from), "%s/%s", dir, name);
    snprintf(to, sizeof(to), "%s/%s", work, name);
    if (lstat(from, &st) != 0)
        return false;
    if (announced(from, name, arg))
        return true;
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        log_file(LOG_NOTICE, name, NULL, NULL, "moved to %s, but the daemon "
                 "stopped before announcing it; processing it again", dir);
    return true;
}

void spool_bring_back(const config *c, spool_announced_fn announced, void *arg)
{
    DIR *d = opendir(c->work);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), slen = strlen(LEAVING_SUFFIX);
        if (e->d_name[0] != '.' || len <= slen + 1 ||
            strcmp(e->d_name + len - slen, LEAVING_SUFFIX) != 0)
            continue;
        char *name = strndup(e->d_name + 1, len - slen - 1);
        struct stat st;
        if (name == NULL)
            break;
        /* Still in work/: the move never happened; it is processed again
         * anyway.  Otherwise bring it back from where it went. */
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
            !bring_back_from(c->done, c->work, name, announced, arg))
            bring_back_from(c->failed, c->work, name, announced, arg);
        unlinkat(dirfd(d), e->d_name, 0);
        free(name);
    }
    closedir(d);
}

bool spool_wanted_name(const char *name)
{
    /* Dot names are temporary files of writers (and our own work folder). */
    return name[0] != '\0' && name[0] != '.';
}

/*
 * Whether the folder at path is one of the daemon's own (done =
 * inbox/done) or holds one (outbox = inbox/out/docs): never claimed.
 */
static bool own_folder(const config *c, const char *path)
{
    const char *dirs[] = { c->work, c->done, c->failed, c->outbox, c->state };
    char dir[PATH_MAX], own[PATH_MAX];
    bool found = false;

    if (realpath(path, dir) == NULL)
        return false;
    size_t n = strlen(dir);
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !found; i++)
        found = dirs[i] != NULL && realpath(dirs[i], own) != NULL &&
                strncmp(own, dir, n) == 0 && (own[n] == '\0' || own[n] == '/');
    return found;
}

int spool_claim(const config *c, const char *name)
{
    char from[4096], to[4096];
    struct stat st;

    if (!spool_wanted_name(name))
        return -EINVAL;
    snprintf(from, sizeof(from), "%s/%s", c->inbox, name);
    snprintf(to, sizeof(to), "%s/%s", c->work, name);
    if (lstat(from, &st) != 0)
        return -errno;
    /* Links, FIFOs, sockets and directories are claimed like files, to be
     * refused in failed/ by the job (a rename moves the entry itself: it
     * follows no link and opens nothing).  A mount point cannot be renamed
     * (EBUSY, EXDEV) and stays, with a warning. */
    if (S_ISDIR(st.st_mode) && own_folder(c, from))
        return -EINVAL;
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
        if (errno != EINVAL)
            return -errno;
        /* A file system without RENAME_NOREPLACE: check, then rename. */
        if (access(to, F_OK) == 0)
            return -EEXIST;
        if (rename(from, to) != 0)
            return -errno;
    }
    return 0;
}

spool_kind spool_entry_kind(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (lstat(path, &st) != 0)
        return SPOOL_GONE;
    if (S_ISREG(st.st_mode))
        return SPOOL_FILE;
    return SPOOL_SPECIAL;
}

typedef struct scanned {
    char *name;
    struct timespec mtime;
} scanned;

static int by_mtime(const void *a, const void *b)
{
    const scanned *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

int spool_scan(const char *dir, void (*fn)(const char *name, void *arg), void *arg)
{
    DIR *d = opendir(dir);
    scanned *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;

    if (d == NULL)
        return -errno;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (!spool_wanted_name(e->d_name) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            scanned *nv = realloc(v, cap * sizeof(*v));
            if (nv == NULL)
                break;
            v = nv;
        }
        v[n].name = strdup(e->d_name);
        v[n].mtime = st.st_mtim;
        if (v[n].name != NULL)
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof(*v), by_mtime);
    for (size_t i = 0; i < n; i++) {
        fn(v[i].name, arg);
        free(v[i].name);
    }
    free(v);
    return 0;
}

/* ---- nameq ---------------------------------------------------------------- */

struct name_entry {
    name_entry *next;       /* FIFO order */
    name_entry *chain;      /* hash bucket */
    uint64_t hash;
    char name[];
};

void nameq_init(nameq *q)
{
    memset(q, 0, sizeof(*q));
}

static int rehash(nameq *q)
{
    size_t nb = q->nbuckets ? q->nbuckets * 2 : 64;
    name_entry **b = calloc(nb, sizeof(*b));
    if (b == NULL)
        return -ENOMEM;
    for (name_entry *e = q->head; e; e = e->next) {
        e->chain = b[e->hash & (nb - 1)];
        b[e->hash & (nb - 1)] = e;
    }
    free(q->buckets);
    q->buckets = b;
    q->nbuckets = nb;
    return 0;
}

int nameq_push(nameq *q, const char *name)
{
    size_t len = strlen(name);
    uint64_t h = XXH3_64bits(name, len);

    if (q->nbuckets) {
        for (name_entry *e = q->buckets[h & (q->nbuckets - 1)]; e; e = e->chain)
            if (e->hash == h && strcmp(e->name, name) == 0)
                return 0;
    }
    if (q->n + 1 > q->nbuckets && rehash(q) != 0)
        return -ENOMEM;
    name_entry *e = malloc(sizeof(*e) + len + 1);
    if (e == NULL)
        return -ENOMEM;
    e->hash = h;
    e->next = NULL;
    memcpy(e->name, name, len + 1);
    e->chain = q->buckets[h & (q->nbuckets - 1)];
    q->buckets[h & (q->nbuckets - 1)] = e;
    if (q->tail)
        q->tail->next = e;
    else
        q->head = e;
    q->tail = e;
    q->n++;
    return 1;
}

char *nameq_pop(nameq *q)
{
    name_entry *e = q->head;
    if (e == NULL)
        return NULL;
    q->head = e->next;
    if (q->head == NULL)
        q->tail = NULL;
    name_entry **pp = &q->buckets[e->hash & (q->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    q->n--;
    char *name = strdup(e->name);
    free(e);
    return name;
}

void nameq_free(nameq *q)
{
    while (q->head) {
        name_entry *e = q->head;
        q->head = e->next;
        free(e);
    }
    free(q->buckets);
    nameq_init(q);
}
