/*
 * sqlite.c - a full-text index of every processed transcript, in one
 * SQLite database in the outbox (OUTBOX/transcripts.db), for
 * `transcriptd search` and for any program that reads SQLite.
 *
 * Tables (docs/search.md): documents, speakers, segments, and segments_fts,
 * an FTS5 index over the segments' text.  Reprocessing a file replaces its
 * rows, found by source name, in the same transaction that writes the new
 * ones: readers see the old version or the new one, never both or neither.
 *
 * The database is not an output the core renames into place, so this
 * exporter keeps its own atomicity: a document's rows are committed in one
 * transaction, with the documents of other workers that came at the same
 * time (indexer.h), before run() returns.  WAL mode lets readers (search)
 * run while documents are written.
 *
 * store.c has the tables and the rows; indexer.c the thread that writes.
 */
#include "sqlite.h"

#include <stdlib.h>

static const td_option options[] = {
    { "database", TD_OPT_STRING, "transcripts.db",
      "the index: a file name in the outbox, or a path" },
    { "busy_timeout", TD_OPT_INT, "10000",
      "milliseconds to wait for another writer before failing" },
    { "fsync", TD_OPT_BOOL, "yes",
      "sync every commit to disk (synchronous=FULL); no: NORMAL, faster" },
    { NULL, 0, NULL, NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    const char *db = td_opt_string(opts, "database");
    long long busy = td_opt_int(opts, "busy_timeout");
    if (*db == '\0')
        return td_error_set(err, "database must not be empty");
    if (busy < 0 || busy > 3600000)
        return td_error_set(err, "busy_timeout must be between 0 and 3600000 ms");
    sqlite_state *st = malloc(sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->database = db;
    if (indexer_init(&st->ix, (int)busy, td_opt_bool(opts, "fsync"), err) != 0) {
        free(st);
        return -1;
    }
    *state = st;
    return 0;
}

static void fini(void *state)
{
    sqlite_state *st = state;
    indexer_fini(&st->ix);
    free(st);
}

/* The database's path: the option as given when absolute, else in the outbox. */
static char *db_path(const sqlite_state *st, const td_doc *doc)
{
    td_buf p = TD_BUF_INIT;
    if (st->database[0] == '/')
        td_buf_printf(&p, "%s", st->database);
    else
        td_buf_printf(&p, "%s/%s", td_export_dir(doc), st->database);
    return p.data;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    sqlite_state *st = state;
    char *path = db_path(st, doc);
    if (path == NULL)
        return td_error_set(err, "out of memory");
    doc_facts facts;
    doc_facts_measure(&facts, doc);
    index_job job = { .doc = doc, .path = path, .facts = &facts, .err = err };
    int rc = indexer_submit(&st->ix, &job);
    doc_facts_free(&facts);
    free(path);
    return rc;
}

static const td_plugin sqlite_plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "sqlite",
    .version = "1.1",
    .summary = "a full-text index (SQLite FTS5) of every transcript, for search",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(sqlite_plugin)
