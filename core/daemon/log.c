/*
 * log.c - see log.h.
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int current_level = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
    const char *name;
    int level;
} LEVELS[] = {
    { "error", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
    { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

void log_set_level(int level) { current_level = level; }
int log_get_level(void) { return current_level; }

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

static void vlog(int level, const char *file, const char *plugin,
                 const char *stage, const char *fmt, va_list ap)
{
    char msg[2048];
    if (level > current_level)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);

    /* One write per line so lines from threads never interleave. */
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "transcriptd: %s: ", level_name(level));
    if (file != NULL)
        fprintf(stderr, "%s: ", file);
    /* "plugin tags (clean): ..." or, for the daemon's own steps, "decode: ...". */
    if (plugin != NULL && strcmp(plugin, "core") != 0)
        fprintf(stderr, "plugin %s%s%s%s: ", plugin, stage ? " (" : "",
                stage ? stage : "", stage ? ")" : "");
    else if (stage != NULL)
        fprintf(stderr, "%s: ", stage);
    fprintf(stderr, "%s\n", msg);
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
