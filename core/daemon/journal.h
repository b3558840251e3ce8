/*
 * journal.h - every published event, kept on disk so that a subscriber
 * that started late or missed some can ask for them again, and so that
 * seq goes on after a restart.
 *
 * Files journal/events-<first seq>.log hold one event per line:
 * "<seq>\t<topic>\t<json>\n".  A new file starts every `per_file` events;
 * the oldest files go once more than `max_events` are kept.  Lines are
 * written with write(2) as events go out (a killed daemon loses none) and
 * flushed to the disk by journal_sync() (a power cut loses at most what
 * came since the last sync; its seqs are never used again, since seqs
 * are reserved on the disk in blocks ahead of use).  Loop thread only.
 */
#ifndef TD_JOURNAL_H
#define TD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct journal {
    char *dir;
    int fd;                 /* the file being appended to, or -1 */
    uint64_t last_seq;      /* the last seq written (0: none yet) */
    uint64_t file_count;    /* events in the current file */
    uint64_t max_events;
    uint64_t per_file;
    int dirty;              /* written since the last sync */
    uint64_t reserved;      /* seqs up to this one may be used (see journal.c) */
} journal;

/*
 * Opens (creating) the journal in dir and finds the last seq, cutting off
 * a line a crash left half written.  Returns 0, or -1 with why filled.
 */
int journal_open(journal *j, const char *dir, uint64_t max_events,
                 char *why, size_t whylen);
/* Appends one event; 0 or -errno. */
int journal_append(journal *j, uint64_t seq, const char *topic,
                   const char *json, size_t len);

typedef int (*journal_fn)(void *arg, uint64_t seq, const char *topic,
                          const char *json, size_t len);
/*
 * Calls fn for every event after seq `since`, oldest first, at most max of
 * them.  Returns how many were passed, or -errno.  *first (if not NULL)
 * gets the oldest seq still kept, so a caller can tell what was lost.
 */
long journal_replay(journal *j, uint64_t since, size_t max, journal_fn fn,
                    void *arg, uint64_t *first);
void journal_sync(journal *j);
void journal_close(journal *j);

#endif
