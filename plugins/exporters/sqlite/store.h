/*
 * store.h - the index database of the sqlite exporter: one connection,
 * the tables (docs/search.md), and the rows of one document.
 *
 * A store is used by one thread at a time (the indexer's).  Its connection
 * is opened on the first document and again when the database file was
 * deleted or replaced; its statements are prepared once per connection.
 */
#ifndef TD_SQLITE_STORE_H
#define TD_SQLITE_STORE_H

#include <transcriptd/transcriptd.h>

#include <sqlite3.h>
#include <sys/types.h>

/* Bump with a migration when the tables change; search checks it. */
#define SCHEMA_VERSION 1

enum {
    ST_FIND_DOC, ST_INSERT_DOC, ST_INSERT_SPEAKER, ST_INSERT_SEGMENT,
    ST_INSERT_INDEX, ST_COUNT
};

typedef struct store {
    int busy_ms;
    bool fsync;
    sqlite3 *db;
    char *path;                 /* the file db was opened on */
    dev_t dev;                  /* and its identity, to notice a new file */
    ino_t ino;
    sqlite3_stmt *stmt[ST_COUNT];
    int wal_pages;              /* pages in the WAL after the last commit */
} store;

/*
 * What a document's row needs that the worker thread works out before the
 * document is queued, so that the one writer does only SQLite's part.
 */
typedef struct doc_facts {
    td_ms duration;             /* the latest end (or start) of a segment */
    long long words;            /* of speech segments */
    td_buf summary;             /* sentences, one per line */
    td_buf keywords;            /* ", " between them */
} doc_facts;

void doc_facts_measure(doc_facts *f, const td_doc *doc);
void doc_facts_free(doc_facts *f);

void store_init(store *s, int busy_ms, bool fsync);
/* Makes s a connection to path, keeping the one it has when it is still
 * to the same file.  -1 with err set on failure. */
int store_open(store *s, const char *path, td_error *err);
/* Closes the connection (after a failure: the file may be what went wrong). */
void store_close(store *s);

/* Takes the write lock and checks or creates the tables. */
int store_begin(store *s, td_error *err);
/* Replaces the rows of the document's source with the document's. */
int store_write(store *s, const td_doc *doc, const doc_facts *f, td_error *err);
int store_commit(store *s, td_error *err);
void store_rollback(store *s);

/* Copies the WAL into the database when it has grown large: outside of
 * any transaction, when nobody waits for a commit. */
void store_checkpoint(store *s);

#endif
