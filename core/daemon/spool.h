/*
 * spool.h - the folders a file moves through, and the queue of names
 * waiting in the drop folder.
 *
 *   inbox/NAME --claim--> work/NAME --chain--> done/NAME
 *                                         \--> failed/NAME + NAME.error.json
 *
 * Every move is a rename inside one file system, so a file is always in
 * exactly one of them, whatever happens to the daemon.  A file in work/
 * at start was claimed before a crash and is processed again.
 */
#ifndef TD_SPOOL_H
#define TD_SPOOL_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Creates the folders and checks that inbox, work, done and failed are on
 * one file system.  Errors go to errors; returns 0 or -1.
 */
int spool_prepare(const config *c, td_buf *errors);

/*
 * Before the first claim: locks the spool (one daemon per spool: the lock
 * is work/.lock, held until exit) and removes what a crash left half
 * written: temporary outputs (.STEM.EXT.XXXXXX) in the outbox and
 * temporary error files (.NAME.error.json.tmp) in failed.  Errors go to
 * errors; returns 0 or -1.
 */
int spool_recover(const config *c, td_buf *errors);

/*
 * For a file found in work/ at start: removes failed/name.error.json when
 * failed/name is not there, an error file the crashed attempt wrote just
 * before it would have moved the file.  The new attempt writes its own.
 */
void spool_forget_failure(const char *failed, const char *name);

/*
 * A file leaves work/ for done/ or failed/ with a rename, and only then is
 * its transcript.done or .failed published: an event never names a file
 * that is not there.  A crash between the two would lose the event, so
 * before the rename the job marks the name (work/.NAME.leaving) and the
 * daemon removes the mark once the event is journaled.  At start, before
 * work/ is scanned, spool_bring_back() moves every marked file that left
 * back into work/, to be processed again and announced this time, unless
 * announced(its path in done/ or failed/, its name) says the journal has
 * its event (the crash came between the journal and the unmark).
 */
typedef bool (*spool_announced_fn)(const char *path, const char *name, void *arg);
int spool_mark_leaving(const char *work, const char *name);
void spool_unmark(const char *work, const char *name);
void spool_bring_back(const config *c, spool_announced_fn announced, void *arg);

/* Whether a name in the drop folder is one to process at all. */
bool spool_wanted_name(const char *name);

/*
 * Claims inbox/name by renaming it to work/name, never replacing a file
 * there.  Symbolic links, FIFOs, sockets, devices and directories are
 * claimed too (the rename moves the entry, never what it points to or
 * holds), so that the job can refuse them into failed/.  Returns 0;
 * -ENOENT (gone), -EEXIST (a file of that name is in work), -EINVAL (an
 * unwanted name, or one of the daemon's own folders: ignored), or another
 * -errno (a mount point: -EBUSY or -EXDEV).
 */
int spool_claim(const config *c, const char *name);

/* What dir/name is, without following a link. */
typedef enum spool_kind {
    SPOOL_GONE, SPOOL_FILE,
    SPOOL_SPECIAL,          /* a link, FIFO, socket, device or directory */
} spool_kind;
spool_kind spool_entry_kind(const char *dir, const char *name);

/* Calls fn for every wanted entry in dir, oldest first. */
int spool_scan(const char *dir, void (*fn)(const char *name, void *arg), void *arg);

/* A FIFO of names that refuses a name already in it. */
typedef struct name_entry name_entry;
typedef struct nameq {
    name_entry *head, *tail;
    name_entry **buckets;
    size_t nbuckets;
    size_t n;
} nameq;

void nameq_init(nameq *q);
/* 1 added, 0 already queued, -ENOMEM. */
int nameq_push(nameq *q, const char *name);
/* The oldest name (caller frees), or NULL. */
char *nameq_pop(nameq *q);
void nameq_free(nameq *q);

#endif
