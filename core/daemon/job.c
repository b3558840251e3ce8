/*
 * job.c - see job.h.
 */
#include "job.h"

#include "internal.h"
#include "log.h"
#include "paths.h"
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * File names are bytes; JSON wants UTF-8.  Invalid sequences become U+FFFD
 * so that events and error files can always name the file.
 */
static char *valid_utf8(const char *s)
{
    td_buf out = TD_BUF_INIT;
    td_decode_info info;
    if (td_decode(s, strlen(s), &out, &info) != 0) {
        td_buf_free(&out);
        return NULL;
    }
    return out.data;
}

job *job_new(const char *name, const char *path, chain *ch,
             const job_env *env)
{
    job *j = calloc(1, sizeof(*j));
    if (j == NULL)
        return NULL;
    j->name = strdup(name);
    j->label = valid_utf8(name);
    j->path = strdup(path);
    j->chain = ch;
    j->env = *env;
    if (j->name == NULL || j->label == NULL || j->path == NULL) {
        job_free(j);
        return NULL;
    }
    return j;
}

void job_free(job *j)
{
    if (j == NULL)
        return;
    free(j->name);
    free(j->label);
    free(j->path);
    json_decref(j->event);
    free(j);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Why an entry that is not a regular file is refused, or NULL. */
static const char *refusal(mode_t mode)
{
    if (S_ISREG(mode))
        return NULL;
    if (S_ISDIR(mode))
        return "a directory: refused (only files are processed; drop the "
               "files themselves)";
    if (S_ISLNK(mode))
        return "symbolic link: refused (links are never followed)";
    if (S_ISFIFO(mode))
        return "not a regular file (a FIFO): refused";
    if (S_ISSOCK(mode))
        return "not a regular file (a socket): refused";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "not a regular file (a device): refused";
    return "not a regular file: refused";
}

/*
 * Reads the whole file without following links or blocking on a FIFO.
 * Returns the bytes (malloc'd) or NULL with f filled.
 */
static char *read_source(const job *j, size_t *len, chain_failure *f)
{
    struct stat st;
    char *buf = NULL;
    const char *why;

    f->plugin = "core";
    f->stage = "read";
    /* Refused before any open: a FIFO is never opened, a link never read. */
    if (lstat(j->path, &st) == 0 && (why = refusal(st.st_mode)) != NULL) {
        snprintf(f->message, sizeof(f->message), "%s", why);
        return NULL;
    }
    int fd = open(j->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(f->message, sizeof(f->message), "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || (why = refusal(st.st_mode)) != NULL) {
        snprintf(f->message, sizeof(f->message), "%s",
                 why ? why : "not a regular file: refused");
        goto out;
    }
    if (j->env.max_file_size > 0 && st.st_size > j->env.max_file_size) {
        snprintf(f->message, sizeof(f->message), "file is %lld bytes, more than "
                 "max_file_size (%lld)", (long long)st.st_size,
                 j->env.max_file_size);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        snprintf(f->message, sizeof(f->message), "out of memory");
        goto out;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(f->message, sizeof(f->message), "read failed: %s",
                     n < 0 ? strerror(errno) : "file shrank while reading");
            free(buf);
            buf = NULL;
            goto out;
        }
        got += (size_t)n;
    }
    *len = got;
out:
    close(fd);
    return buf;
}

static void iso_time(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* Writes text to a new file at path, on the disk when sync; 0 or -1. */
static int write_whole(const char *path, const char *text, bool sync)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int rc = done == len && (!sync || fsync(fd) == 0) ? 0 : -1;
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/*
 * Writes dir/name.error.json whole (temporary name, then rename).  With
 * sync its bytes are on the disk before the name appears; the move of the
 * file into failed/ that follows syncs the folder.
 */
static char *write_error_file(const job *j, const chain_failure *f)
{
    char when[32], *path = NULL, *tmp = NULL;
    iso_time(when);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "file", j->label,
                          "plugin", f->plugin, "stage", f->stage,
                          "message", f->message, "time", when);
    td_buf name = TD_BUF_INIT;
    if (o == NULL || td_buf_printf(&name, "%s.error.json", j->name) != 0)
        goto out;
    path = path_join(j->env.failed, name.data);
    td_buf_reset(&name);
    td_buf_printf(&name, ".%s.error.json.tmp", j->name);
    tmp = path_join(j->env.failed, name.data);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (path == NULL || tmp == NULL || text == NULL ||
        write_whole(tmp, text, j->env.sync) != 0 || rename(tmp, path) != 0) {
        log_file(LOG_ERR, j->label, NULL, NULL, "cannot write %s: %s",
                 path ? path : "error file", strerror(errno));
        unlink(tmp);
        free(path);
        path = NULL;
    }
    free(text);
out:
    td_buf_free(&name);
    free(tmp);
    json_decref(o);
    return path;
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

/* Moves the source into done/ or failed/; returns the new path or NULL. */
static char *move_source(const job *j, const char *dir)
{
    char *to = path_join(dir, j->name);
    char *from_dir = path_dirname(j->path);
    if (to == NULL || from_dir == NULL) {
        free(to);
        free(from_dir);
        return NULL;
    }
    /* Until the loop has announced the move (see spool.h). */
    spool_mark_leaving(from_dir, j->name);
    if (rename(j->path, to) != 0) {
        log_file(LOG_ERR, j->label, NULL, NULL, "cannot move to %s: %s", dir,
                 strerror(errno));
        spool_unmark(from_dir, j->name);
        free(from_dir);
        free(to);
        return NULL;
    }
    /*
     * On the disk before it is announced (the event comes after this).
     * ext4, XFS and Btrfs log a rename as one change, so syncing the
     * folder it went to keeps the folder it left too (docs/durability.md).
     */
    if (j->env.sync)
        sync_dir(dir);
    free(from_dir);
    return to;
}

/*
 * Speech duration and words, for the event; summarizers may say more.
 * When the stats summarizer ran, its word count is the document's (the
 * same runs of non-blank bytes in the same speech) and the text is not
 * counted again.
 */
static void measure(td_doc *doc, td_ms *duration, size_t *words)
{
    json_t *counted = json_object_get(td_doc_stats(doc), "words");
    bool count = !json_is_integer(counted) || json_integer_value(counted) < 0;

    *duration = TD_TIME_UNKNOWN;
    *words = count ? 0 : (size_t)json_integer_value(counted);
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms t = td_segment_end(s) >= 0 ? td_segment_end(s) : td_segment_start(s);
        if (t > *duration)
            *duration = t;
        if (count && td_segment_kind(s) == TD_SEG_SPEECH) {
            size_t len;
            const char *text = td_segment_text(s, &len);
            *words += td_text_word_count(text, len);
        }
    }
}

/*
 * transcript.done carries what a subscriber needs to act without reading
 * the outputs, bounded so that one event stays small whatever the
 * document: the first EVENT_* items, strings cut at a character boundary.
 */
#define EVENT_SPEAKERS 50
#define EVENT_SUMMARY 10
#define EVENT_KEYWORDS 20
#define EVENT_TEXT_MAX 1000     /* bytes of a title or summary sentence */
#define EVENT_NAME_MAX 200      /* bytes of a speaker name or keyword */

static json_t *bounded(const char *s, size_t max)
{
    if (s == NULL)
        return json_null();
    size_t len = strlen(s);
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    json_t *j = json_stringn(s, len);
    return j ? j : json_null();
}

static json_t *seconds(td_ms ms)
{
    return ms < 0 ? json_null() : json_real(ms / 1000.0);
}

static json_t *speaker_name(const td_doc *doc, int speaker)
{
    if (speaker < 0 || (size_t)speaker >= td_doc_speaker_count(doc))
        return json_null();
    return bounded(td_doc_speaker_name(doc, speaker), EVENT_NAME_MAX);
}

/* The names of the speakers who still have a segment, in speaker order. */
static json_t *speakers(const td_doc *doc, size_t *count)
{
    size_t n = td_doc_speaker_count(doc);
    bool *heard = calloc(n ? n : 1, sizeof(*heard));
    json_t *names = json_array();

    *count = 0;
    if (heard == NULL)
        return names;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *seg = td_doc_segment(doc, i);
        int sp = td_segment_speaker(seg);
        if (sp >= 0 && (size_t)sp < n && !td_segment_dropped(seg))
            heard[sp] = true;
    }
    for (size_t i = 0; i < n; i++) {
        if (!heard[i])
            continue;
        if (++*count <= EVENT_SPEAKERS)
            json_array_append_new(names, speaker_name(doc, (int)i));
    }
    free(heard);
    return names;
}

static json_t *summary(const td_doc *doc)
{
    json_t *out = json_array();
    size_t n = td_doc_summary_count(doc);
    for (size_t i = 0; i < n && i < EVENT_SUMMARY; i++)
        json_array_append_new(out, json_pack("{s:o, s:o, s:o}",
            "text", bounded(td_doc_summary_text(doc, i), EVENT_TEXT_MAX),
            "start", seconds(td_doc_summary_start(doc, i)),
            "speaker", speaker_name(doc, td_doc_summary_speaker(doc, i))));
    return out;
}

static json_t *keywords(const td_doc *doc)
{
    json_t *out = json_array();
    size_t n = td_doc_keyword_count(doc);
    for (size_t i = 0; i < n && i < EVENT_KEYWORDS; i++)
        json_array_append_new(out, bounded(td_doc_keyword(doc, i, NULL),
                                           EVENT_NAME_MAX));
    return out;
}

static json_t *done_event(const job *j, td_doc *doc, json_t *outputs,
                          const char *moved, double ms)
{
    td_ms duration;
    size_t words, nspeakers;
    measure(doc, &duration, &words);
    json_t *names = speakers(doc, &nspeakers);
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:o, s:I, s:o, s:I, "
                     "s:o, s:I, s:o, s:o*, s:f}",
                     "source", j->label, "id", td_doc_source_id(doc),
                     "format", td_doc_format(doc),
                     "title", bounded(td_doc_title(doc), EVENT_TEXT_MAX),
                     "duration", seconds(duration),
                     "words", (json_int_t)words,
                     "segments", (json_int_t)td_doc_segment_count(doc),
                     "speakers", names, "speaker_count", (json_int_t)nspeakers,
                     "summary", summary(doc),
                     "summary_count", (json_int_t)td_doc_summary_count(doc),
                     "keywords", keywords(doc),
                     "keyword_count", (json_int_t)td_doc_keyword_count(doc),
                     "outputs", outputs,
                     "path", moved ? td__json_string_lossy(moved) : NULL, "ms", ms);
}

static void job_failed(job *j, chain_failure *f, const char *id)
{
    /* A plugin's message may not be valid UTF-8; the events must be. */
    char *message = valid_utf8(f->message);
    if (message != NULL) {
        snprintf(f->message, sizeof(f->message), "%s", message);
        free(message);
    }
    log_file(LOG_ERR, j->label, f->plugin, f->stage, "%s", f->message);
    char *error_file = NULL, *moved = NULL;
    if (j->env.failed != NULL) {
        error_file = write_error_file(j, f);
        moved = move_source(j, j->env.failed);
    }
    j->ok = false;
    j->event = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:o*, s:o*}",
                         "source", j->label, "id", id, "plugin", f->plugin,
                         "stage", f->stage, "error", f->message,
                         "error_file", error_file ? td__json_string_lossy(error_file) : NULL,
                         "path", moved ? td__json_string_lossy(moved) : NULL);
    free(error_file);
    free(moved);
}

/* Tells the loop which plugin the job is in (see job.h). */
static bool note_stage(void *ctx, const stage *s, td_doc *doc)
{
    (void)doc;
    atomic_store_explicit(&((job *)ctx)->running, s->p->name, memory_order_relaxed);
    return true;
}

void job_run(job *j)
{
    uint64_t started = td__monotonic_ns();
    const chain_watch watch = { note_stage, NULL, j };
    atomic_store_explicit(&j->started_ns, started, memory_order_relaxed);
    double t0 = now_ms();
    chain_failure f = { "core", "read", "" };
    td_error err = { "" };
    size_t len = 0;
    td_doc *doc = NULL;
    json_t *outputs = NULL;
    char *stem = NULL, *moved = NULL;

    char *bytes = read_source(j, &len, &f);
    if (bytes == NULL)
        goto failed;
    doc = td_doc_new(j->label, bytes, len, &err);
    free(bytes);
    if (doc == NULL) {
        f = (chain_failure){ "core", "decode", "" };
        snprintf(f.message, sizeof(f.message), "%s", err.message);
        goto failed;
    }
    td__doc_set_limits(doc, started, (unsigned)j->env.timeout_s,
                       (size_t)j->env.max_memory);
    stem = path_stem(j->name);
    if (stem == NULL || td__doc_set_export(doc, j->env.outbox, stem,
                                           j->env.sync) != 0 ||
        (j->env.staging && td__doc_set_staging(doc, j->env.staging) != 0)) {
        f = (chain_failure){ "core", "export", "out of memory" };
        goto failed;
    }
    if (chain_run(j->chain, doc, &watch, &f) != 0)
        goto failed;
    atomic_store_explicit(&j->running, NULL, memory_order_relaxed);
    outputs = json_object();
    if (td__doc_commit_outputs(doc, outputs, &err) != 0) {
        f = (chain_failure){ "core", "commit", "" };
        snprintf(f.message, sizeof(f.message), "%s", err.message);
        goto failed;
    }
    if (j->env.done != NULL && (moved = move_source(j, j->env.done)) == NULL) {
        f = (chain_failure){ "core", "commit", "cannot move the file to done" };
        goto failed;
    }
    j->ok = true;
    j->event = done_event(j, doc, outputs, moved, now_ms() - t0);
    outputs = NULL;
    goto out;

failed:
    if (doc != NULL)
        td__doc_abort_outputs(doc);
    job_failed(j, &f, doc ? td_doc_source_id(doc) : NULL);
out:
    json_decref(outputs);
    free(moved);
    free(stem);
    td_doc_free(doc);
}

char *job_read(const job *j, size_t *len, chain_failure *f)
{
    return read_source(j, len, f);
}

void job_fail(job *j, chain_failure *f, const char *id)
{
    job_failed(j, f, id);
}

char *job_move_done(const job *j)
{
    return move_source(j, j->env.done);
}
