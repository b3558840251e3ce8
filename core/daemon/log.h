/*
 * log.h - the daemon's log: plain lines on stderr, with the file, plugin
 * and stage a message is about when there is one; under systemd, journal
 * entries with a priority and those as fields.
 */
#ifndef TD_LOG_H
#define TD_LOG_H

#include <syslog.h>
#include <transcriptd/common.h>

/* LOG_ERR .. LOG_DEBUG; messages above the level are dropped. */
void log_set_level(int level);
int log_get_level(void);
/* "error", "warning", "notice", "info", "debug" to a level, or -1. */
int log_level_from_name(const char *name);

/* Starts every line with tag (a worker process names itself); NULL: none. */
void log_set_tag(const char *tag);

/* Whether lines go to the journal (stderr is systemd's journal stream). */
int log_to_journal(void);

void log_msg(int level, const char *fmt, ...) TD_PRINTF(2, 3);
/* A message about one file; plugin and stage may be NULL. */
void log_file(int level, const char *file, const char *plugin,
              const char *stage, const char *fmt, ...) TD_PRINTF(5, 6);

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
