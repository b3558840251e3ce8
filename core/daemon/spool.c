/*
 * spool.c - see spool.h.
 */
#include "spool.h"

#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

bool spool_wanted_name(const char *name)
{
    /* Dot names are temporary files of writers (and our own work folder). */
    return name[0] != '\0' && name[0] != '.';
}

int spool_claim(const char *inbox, const char *work, const char *name)
{
    char from[4096], to[4096];
    struct stat st;

    if (!spool_wanted_name(name))
        return -EINVAL;
    snprintf(from, sizeof(from), "%s/%s", inbox, name);
    snprintf(to, sizeof(to), "%s/%s", work, name);
    if (lstat(from, &st) != 0)
        return -errno;
    /* Links, FIFOs and sockets are claimed like files, to be refused in
     * failed/ by the job (a rename moves the entry itself: it follows no
     * link and opens nothing).  Directories stay where they are. */
    if (S_ISDIR(st.st_mode))
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
    return S_ISDIR(st.st_mode) ? SPOOL_DIR : SPOOL_SPECIAL;
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
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            S_ISDIR(st.st_mode))
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
