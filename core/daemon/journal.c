/*
 * journal.c - see journal.h.
 */
#include "journal.h"

#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define PREFIX "events-"
#define SUFFIX ".log"

/*
 * A seq written by journal_append: decimal digits only, below 2^63 (seqs
 * are JSON integers).  Returns it and sets *end after it, or returns 0 for
 * anything else, which a damaged file can hold ("-1" is not a huge seq).
 */
static uint64_t parse_seq(const char *s, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9') {
        if (v > (UINT64_C(1) << 63) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p++ - '0');
    }
    if (p == s || v >= (UINT64_C(1) << 63))
        return 0;
    *end = p;
    return v;
}

/* The first seqs of the journal's files, sorted; caller frees. */
static size_t list_files(const char *dir, uint64_t **out)
{
    DIR *d = opendir(dir);
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;

    *out = NULL;
    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        const char *tail;
        uint64_t first;
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 ||
            (first = parse_seq(e->d_name + strlen(PREFIX), &tail)) == 0 ||
            strcmp(tail, SUFFIX) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            uint64_t *nv = realloc(v, cap * sizeof(*v));
            if (nv == NULL)
                break;
            v = nv;
        }
        v[n++] = first;
    }
    closedir(d);
    /* Few files: insertion sort keeps this short. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
            uint64_t t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    *out = v;
    return n;
}

static void file_name(const journal *j, uint64_t first, char *buf, size_t len)
{
    snprintf(buf, len, "%s/" PREFIX "%020" PRIu64 SUFFIX, j->dir, first);
}

/*
 * Reads the newest file to find the last seq and the count, and cuts off a
 * line without its newline (the daemon died while writing it).  The last
 * seq is the highest found, and never less than the file's name says came
 * before it (a file is created with the first event it is to hold, so a
 * crash can leave it empty): a seq once used is never used again.
 */
static int recover_tail(journal *j, uint64_t first)
{
    if (first > 0 && j->last_seq < first - 1)
        j->last_seq = first - 1;
    char path[4096];
    file_name(j, first, path, sizeof(path));
    FILE *f = fopen(path, "r+");
    if (f == NULL)
        return -errno;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long good = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n')
            break;
        const char *tab;
        uint64_t seq = parse_seq(line, &tab);
        if (seq != 0 && *tab == '\t') {
            if (seq > j->last_seq)
                j->last_seq = seq;
            j->file_count++;
        }
        good = ftell(f);
    }
    free(line);
    int rc = ftruncate(fileno(f), good) == 0 ? 0 : -errno;
    fclose(f);
    return rc;
}

/* ---- the seq floor: no seq used twice, even after a power cut ---------- */

/*
 * An event goes out as soon as its line is written, but the line reaches
 * the disk only at the next journal_sync().  After a power cut the journal
 * may end before seqs subscribers already saw.  So seqs are reserved in
 * blocks: before the first seq past the reservation is used, the file
 * FLOOR_FILE says "<boot id> <last reserved seq>", on the disk.  At open,
 * when the machine has restarted since (another boot id), seq goes on
 * after the reservation; after a mere crash of the daemon (same boot) the
 * kernel kept every line written, and seq goes on after the journal.  A
 * clean close writes the exact last seq, so a restart after a clean stop
 * leaves no gap.
 */
#define FLOOR_FILE "seq.floor"
#define SEQ_BLOCK 1024

static void current_boot(char out[64])
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    out[0] = '\0';
    if (f != NULL) {
        if (fgets(out, 64, f) == NULL)
            out[0] = '\0';
        out[strcspn(out, "\n")] = '\0';
        fclose(f);
    }
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

/* Writes the floor file whole and on the disk; 0 or -errno. */
static int write_floor(journal *j, uint64_t seq)
{
    char path[4096], tmp[4096], line[128], boot[64];
    current_boot(boot);
    snprintf(path, sizeof(path), "%s/" FLOOR_FILE, j->dir);
    snprintf(tmp, sizeof(tmp), "%s/." FLOOR_FILE ".tmp", j->dir);
    int n = snprintf(line, sizeof(line), "%s %" PRIu64 "\n",
                     boot[0] ? boot : "unknown", seq);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    int rc = write(fd, line, (size_t)n) == n && fdatasync(fd) == 0 ? 0 : -errno;
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -errno;
    if (rc == 0)
        rc = sync_dir(j->dir);
    if (rc == 0)
        j->reserved = seq;
    return rc;
}

/* After the journal's own recovery: skips what a power cut may have lost. */
static void read_floor(journal *j)
{
    char path[4096], line[160], boot[64];
    snprintf(path, sizeof(path), "%s/" FLOOR_FILE, j->dir);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    char *got = fgets(line, sizeof(line), f);
    fclose(f);
    char *space = got ? strchr(line, ' ') : NULL;
    const char *end;
    uint64_t floor = space ? parse_seq(space + 1, &end) : 0;
    if (floor == 0)
        return;
    *space = '\0';
    current_boot(boot);
    /* An unknown boot id counts as a restart: the safe side. */
    bool rebooted = boot[0] == '\0' || strcmp(line, boot) != 0;
    if (rebooted && floor > j->last_seq)
        j->last_seq = floor;
}

static int open_file(journal *j, uint64_t first)
{
    char path[4096];
    file_name(j, first, path, sizeof(path));
    j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    return j->fd < 0 ? -errno : 0;
}

int journal_open(journal *j, const char *dir, uint64_t max_events, char *why,
                 size_t whylen)
{
    uint64_t *files;
    int rc;

    memset(j, 0, sizeof(*j));
    j->fd = -1;
    j->max_events = max_events ? max_events : 1;
    j->per_file = j->max_events / 8 > 1000 ? j->max_events / 8 : 1000;
    j->dir = strdup(dir);
    if (j->dir == NULL || (rc = path_mkdirs(dir, 0750)) != 0) {
        snprintf(why, whylen, "cannot create the event journal %s: %s", dir,
                 strerror(j->dir ? -rc : ENOMEM));
        return -1;
    }
    size_t n = list_files(dir, &files);
    if (n > 0) {
        rc = recover_tail(j, files[n - 1]);
        if (rc == 0)
            rc = open_file(j, files[n - 1]);
    } else {
        rc = 0;
    }
    free(files);
    if (rc != 0) {
        snprintf(why, whylen, "cannot open the event journal in %s: %s", dir,
                 strerror(-rc));
        return -1;
    }
    read_floor(j);
    return 0;
}

/* Drops the oldest files while more than max_events are kept. */
static void enforce_retention(journal *j)
{
    uint64_t *files;
    size_t n = list_files(j->dir, &files);
    for (size_t i = 0; i + 1 < n; i++) {
        /* Events in files from i+1 on: last_seq - files[i+1] + 1. */
        if (j->last_seq + 1 - files[i + 1] < j->max_events)
            break;
        char path[4096];
        file_name(j, files[i], path, sizeof(path));
        unlink(path);
    }
    free(files);
}

int journal_append(journal *j, uint64_t seq, const char *topic,
                   const char *json, size_t len)
{
    /* A failure here is tried again at the next event; the line still
     * goes in, and a subscriber still gets the event. */
    if (seq > j->reserved)
        write_floor(j, seq + SEQ_BLOCK - 1);
    if (j->fd < 0 || j->file_count >= j->per_file) {
        if (j->fd >= 0) {
            fdatasync(j->fd);
            close(j->fd);
            j->fd = -1;
        }
        int rc = open_file(j, seq);
        if (rc != 0)
            return rc;
        j->file_count = 0;
        enforce_retention(j);
    }
    char head[32];
    int hn = snprintf(head, sizeof(head), "%" PRIu64 "\t", seq);
    struct iovec parts[] = {
        { head, (size_t)hn }, { (void *)topic, strlen(topic) }, { "\t", 1 },
        { (void *)json, len }, { "\n", 1 },
    };
    /* One write per line, so a crash leaves at most one torn line. */
    ssize_t total = 0;
    for (size_t i = 0; i < 5; i++)
        total += (ssize_t)parts[i].iov_len;
    ssize_t w = writev(j->fd, parts, 5);
    if (w != total)
        return w < 0 ? -errno : -EIO;
    j->last_seq = seq;
    j->file_count++;
    j->dirty = 1;
    return 0;
}

static long replay_file(journal *j, uint64_t first, uint64_t since, size_t max,
                        journal_fn fn, void *arg)
{
    char path[4096];
    file_name(j, first, path, sizeof(path));
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : -errno;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long sent = 0;
    while ((size_t)sent < max && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n')
            break;
        line[--n] = '\0';
        const char *t1;
        uint64_t seq = parse_seq(line, &t1);
        char *t2 = seq && *t1 == '\t' ? strchr(t1 + 1, '\t') : NULL;
        if (t2 == NULL)
            continue;
        if (seq <= since)
            continue;
        *t2 = '\0';
        if (fn(arg, seq, t1 + 1, t2 + 1, (size_t)(line + n - t2 - 1)) != 0)
            break;
        sent++;
    }
    free(line);
    fclose(f);
    return sent;
}

long journal_replay(journal *j, uint64_t since, size_t max, journal_fn fn,
                    void *arg, uint64_t *first)
{
    uint64_t *files;
    size_t n = list_files(j->dir, &files);
    long sent = 0;

    if (first != NULL)
        *first = n ? files[0] : j->last_seq + 1;
    for (size_t i = 0; i < n && (size_t)sent < max; i++) {
        /* Skip files that end before since. */
        if (i + 1 < n && files[i + 1] <= since + 1)
            continue;
        long got = replay_file(j, files[i], since, max - (size_t)sent, fn, arg);
        if (got < 0) {
            sent = got;
            break;
        }
        sent += got;
    }
    free(files);
    return sent;
}

void journal_sync(journal *j)
{
    if (j->dirty && j->fd >= 0)
        fdatasync(j->fd);
    j->dirty = 0;
}

void journal_close(journal *j)
{
    journal_sync(j);
    /* Stopped cleanly: every line is on the disk, and the next start may
     * go on right after the last seq, even after a reboot. */
    if (j->dir != NULL && j->fd >= 0 && j->reserved > j->last_seq)
        write_floor(j, j->last_seq);
    if (j->fd >= 0)
        close(j->fd);
    free(j->dir);
    memset(j, 0, sizeof(*j));
    j->fd = -1;
}
