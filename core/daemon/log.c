/*
 * log.c - see log.h.
 *
 * Under systemd, stderr is a stream to the journal; the journal's own
 * protocol then carries the priority and the file, plugin and stage as
 * fields (TRANSCRIPTD_FILE, TRANSCRIPTD_PLUGIN, TRANSCRIPTD_STAGE) that
 * `journalctl TRANSCRIPTD_PLUGIN=srt` can select on.  Elsewhere: plain
 * lines on stderr.
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

static int current_level = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t journal_once = PTHREAD_ONCE_INIT;
static int to_journal;
static char line_tag[80];

static const struct {
    const char *name;
    int level;
} LEVELS[] = {
    { "error", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
    { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

/* A reload changes the level while workers log. */
void log_set_level(int level) { __atomic_store_n(&current_level, level, __ATOMIC_RELAXED); }
int log_get_level(void) { return __atomic_load_n(&current_level, __ATOMIC_RELAXED); }

void log_set_tag(const char *tag)
{
    snprintf(line_tag, sizeof(line_tag), "%s%s", tag ? tag : "", tag ? ": " : "");
}

int log_level_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
        if (strcmp(LEVELS[i].name, name) == 0)
            return LEVELS[i].level;
    return -1;
}

static const char *level_name(int level)
{
    for (size_t i = 0; i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
        if (LEVELS[i].level == level)
            return LEVELS[i].name;
    return level < LOG_ERR ? "error" : "debug";
}

/*
 * The documented test (systemd.exec(5), $JOURNAL_STREAM): stderr is the
 * journal when its device and inode are the ones systemd put there.  A
 * redirected stderr (2>file) fails the test and gets plain lines.
 */
static void detect_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
        fstat(STDERR_FILENO, &st) == 0 &&
        (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
        to_journal = 1;
}

int log_to_journal(void)
{
    pthread_once(&journal_once, detect_journal);
    return to_journal;
}

/* "FIELD=value" into iov; value may be NULL (field left out). */
static int field(struct iovec *iov, char *buf, size_t cap, const char *name,
                 const char *value)
{
    if (value == NULL)
        return 0;
    int n = snprintf(buf, cap, "%s=%s", name, value);
    iov->iov_base = buf;
    iov->iov_len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    return 1;
}

static int journal_line(int level, const char *file, const char *plugin,
                        const char *stage, const char *text)
{
    char prio[16], message[2600], f[512], p[160], s[64];
    struct iovec iov[6];
    int n = 0;
    snprintf(prio, sizeof(prio), "PRIORITY=%d", level);
    iov[n++] = (struct iovec){ prio, strlen(prio) };
    n += field(&iov[n], message, sizeof(message), "MESSAGE", text);
    iov[n++] = (struct iovec){ "SYSLOG_IDENTIFIER=transcriptd", 29 };
    n += field(&iov[n], f, sizeof(f), "TRANSCRIPTD_FILE", file);
    n += field(&iov[n], p, sizeof(p), "TRANSCRIPTD_PLUGIN", plugin);
    n += field(&iov[n], s, sizeof(s), "TRANSCRIPTD_STAGE", stage);
    return sd_journal_sendv(iov, n);
}

static void vlog(int level, const char *file, const char *plugin,
                 const char *stage, const char *fmt, va_list ap)
{
    char msg[2048], line[2400];
    if (level > log_get_level())
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    /* "FILE: plugin tags (clean): ..." or, for the daemon's own steps,
     * "FILE: decode: ...". */
    bool ours = plugin == NULL || strcmp(plugin, "core") == 0;
    if (ours)
        snprintf(line, sizeof(line), "%s%s%s%s%s", line_tag, file ? file : "",
                 file ? ": " : "", stage ? stage : "", stage ? ": " : "");
    else
        snprintf(line, sizeof(line), "%s%s%splugin %s%s%s%s: ", line_tag,
                 file ? file : "", file ? ": " : "", plugin, stage ? " (" : "",
                 stage ? stage : "", stage ? ")" : "");
    size_t used = strlen(line);
    snprintf(line + used, sizeof(line) - used, "%s", msg);

    /* A journal that does not take the line (not there) gets stderr. */
    if (log_to_journal() && journal_line(level, file, plugin, stage, line) >= 0)
        return;
    /* One write per line so lines from threads never interleave. */
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "transcriptd: %s: %s\n", level_name(level), line);
    pthread_mutex_unlock(&log_lock);
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, NULL, NULL, NULL, fmt, ap);
    va_end(ap);
}

void log_file(int level, const char *file, const char *plugin,
              const char *stage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, file, plugin, stage, fmt, ap);
    va_end(ap);
}
