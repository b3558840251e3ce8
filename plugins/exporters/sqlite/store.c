/*
 * store.c - see store.h.
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * FTS5 settings, measured on 1,000 caption transcripts (docs/search.md):
 * merging the index's segments is most of what indexing costs, and
 * merging 16 at a time rather than 4 rewrites each entry fewer times.
 */
#define FTS_SETTINGS \
    "INSERT INTO segments_fts (segments_fts, rank) VALUES ('automerge', 16);"

static const char SCHEMA[] =
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY,"
    "  source TEXT NOT NULL UNIQUE,"
    "  source_id TEXT NOT NULL,"
    "  title TEXT, date TEXT, format TEXT,"
    "  duration REAL,"
    "  words INTEGER NOT NULL,"
    "  segments INTEGER NOT NULL,"
    "  summary TEXT,"
    "  keywords TEXT,"
    "  indexed_at TEXT NOT NULL);"
    "CREATE TABLE speakers ("
    "  doc INTEGER NOT NULL REFERENCES documents(id),"
    "  idx INTEGER NOT NULL,"
    "  sid TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY (doc, idx)) WITHOUT ROWID;"
    "CREATE TABLE segments ("
    "  id INTEGER PRIMARY KEY,"
    "  doc INTEGER NOT NULL REFERENCES documents(id),"
    "  seq INTEGER NOT NULL,"
    "  start REAL, \"end\" REAL,"
    "  speaker TEXT,"
    "  kind TEXT NOT NULL,"
    "  label TEXT,"
    "  text TEXT NOT NULL);"
    "CREATE INDEX segments_by_doc ON segments (doc, seq);"
    "CREATE VIRTUAL TABLE segments_fts USING fts5 (text, content='segments',"
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 2', columnsize=0);"
    "PRAGMA user_version = 1;";

/*
 * The index is kept in step by hand, not by triggers: FTS5 under a trigger
 * indexed 3 to 4 times slower (docs/search.md).  An external-content
 * index forgets a row given the text it indexed.
 *
 * Only run when the source is already there: a statement that may change
 * several rows opens a statement journal, and FTS5 then writes out what
 * it holds in memory, so that every document would start a segment of
 * the index of its own whatever the transaction.
 */
static const char DELETE_OLD[] =
    "INSERT INTO segments_fts (segments_fts, rowid, text) SELECT 'delete', id, text"
    "  FROM segments WHERE doc = ?1;"
    "DELETE FROM segments WHERE doc = ?1;"
    "DELETE FROM speakers WHERE doc = ?1;"
    "DELETE FROM documents WHERE id = ?1;";

static const char *const STATEMENTS[ST_COUNT] = {
    [ST_FIND_DOC] = "SELECT id FROM documents WHERE source = ?",
    [ST_INSERT_DOC] =
        "INSERT INTO documents (source, source_id, title, date, format, duration,"
        " words, segments, summary, keywords, indexed_at) VALUES (?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
    [ST_INSERT_SPEAKER] = "INSERT INTO speakers (doc, idx, sid, name) VALUES (?, ?, ?, ?)",
    [ST_INSERT_SEGMENT] =
        "INSERT INTO segments (doc, seq, start, \"end\", speaker, kind, label, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_INDEX] = "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
};

static const char *const KIND_NAMES[] = { "speech", "event", "heading" };

/*
 * The WAL is copied into the database by the indexer between batches
 * (store_checkpoint), not by SQLite inside a COMMIT that documents wait
 * for.  4 MiB: SQLite's own default.
 */
#define CHECKPOINT_PAGES 1000

/* ---- what run() works out ---------------------------------------------- */

void doc_facts_measure(doc_facts *f, const td_doc *doc)
{
    *f = (doc_facts){ TD_TIME_UNKNOWN, 0, TD_BUF_INIT, TD_BUF_INIT };
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms t = td_segment_end(s) >= 0 ? td_segment_end(s) : td_segment_start(s);
        if (t > f->duration)
            f->duration = t;
        if (td_segment_kind(s) == TD_SEG_SPEECH) {
            size_t len;
            const char *text = td_segment_text(s, &len);
            f->words += (long long)td_text_word_count(text, len);
        }
    }
    for (size_t i = 0; i < td_doc_summary_count(doc); i++)
        td_buf_printf(&f->summary, "%s%s", i ? "\n" : "", td_doc_summary_text(doc, i));
    for (size_t i = 0; i < td_doc_keyword_count(doc); i++)
        td_buf_printf(&f->keywords, "%s%s", i ? ", " : "", td_doc_keyword(doc, i, NULL));
}

void doc_facts_free(doc_facts *f)
{
    td_buf_free(&f->summary);
    td_buf_free(&f->keywords);
}

/* ---- the connection ------------------------------------------------------ */

/* Fills err from the connection's last error; always -1. */
static int db_error(sqlite3 *db, const char *what, td_error *err)
{
    return td_error_set(err, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int exec(sqlite3 *db, const char *sql, const char *what, td_error *err)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
           : db_error(db, what, err);
}

static int note_wal_size(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    ((store *)arg)->wal_pages = pages;
    return SQLITE_OK;
}

void store_init(store *s, int busy_ms, bool fsync)
{
    *s = (store){ .busy_ms = busy_ms, .fsync = fsync };
}

void store_close(store *s)
{
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    free(s->path);
    store_init(s, s->busy_ms, s->fsync);
}

static int connect(store *s, const char *path, td_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK)
        return td_error_set(err, "cannot open %s: %s", path,
                            s->db ? sqlite3_errmsg(s->db) : "out of memory");
    sqlite3_busy_timeout(s->db, s->busy_ms);
    sqlite3_wal_hook(s->db, note_wal_size, s);
    /* WAL is a property of the file: set once, a no-op after. */
    if (exec(s->db, "PRAGMA journal_mode = WAL", "cannot switch to WAL mode", err) ||
        exec(s->db, s->fsync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
             "cannot set synchronous", err))
        return -1;
    return 0;
}

static int prepare(store *s, td_error *err)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(s->db, STATEMENTS[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &s->stmt[i], NULL) != SQLITE_OK)
            return db_error(s->db, "cannot prepare the index statements", err);
    return 0;
}

int store_open(store *s, const char *path, td_error *err)
{
    struct stat sb;
    if (s->db != NULL && strcmp(s->path, path) == 0 && stat(path, &sb) == 0 &&
        sb.st_dev == s->dev && sb.st_ino == s->ino)
        return 0;
    store_close(s);
    if (connect(s, path, err) != 0) {
        store_close(s);
        return -1;
    }
    s->path = strdup(path);
    if (s->path == NULL || stat(path, &sb) != 0) {
        store_close(s);
        return td_error_set(err, "cannot open %s: out of memory or gone", path);
    }
    s->dev = sb.st_dev;
    s->ino = sb.st_ino;
    return 0;
}

/* ---- the tables ---------------------------------------------------------- */

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Creates the tables in a new database; refuses one from a newer version.
 * The statements are prepared once the tables are there. */
static int ensure_schema(store *s, td_error *err)
{
    int v = user_version(s->db);
    if (v < 0)
        return db_error(s->db, "cannot read the schema version", err);
    if (v != 0 && v != SCHEMA_VERSION)
        return td_error_set(err, "%s has schema version %d; this transcriptd "
                            "writes version %d", s->path, v, SCHEMA_VERSION);
    if (v == 0 && exec(s->db, SCHEMA, "cannot create the index tables", err) != 0)
        return -1;
    if (s->stmt[0] != NULL)
        return 0;
    /* A database made by an earlier version gets the settings too. */
    if (exec(s->db, FTS_SETTINGS, "cannot configure the full-text index", err) != 0)
        return -1;
    return prepare(s, err);
}

int store_begin(store *s, td_error *err)
{
    /* IMMEDIATE: take the write lock now, so the busy timeout applies,
     * rather than fail on upgrading a read lock later. */
    if (exec(s->db, "BEGIN IMMEDIATE", "cannot start a transaction", err) != 0)
        return -1;
    if (ensure_schema(s, err) != 0) {
        store_rollback(s);
        return -1;
    }
    return 0;
}

int store_commit(store *s, td_error *err)
{
    if (exec(s->db, "COMMIT", "cannot commit", err) == 0)
        return 0;
    store_rollback(s);
    return -1;
}

void store_rollback(store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_checkpoint(store *s)
{
    if (s->db == NULL || s->wal_pages < CHECKPOINT_PAGES)
        return;
    sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    s->wal_pages = 0;
}

/* ---- one document's rows ------------------------------------------------- */

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_time(sqlite3_stmt *st, int i, td_ms ms)
{
    return ms < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, ms / 1000.0);
}

/* Steps a statement that returns no rows and makes it ready again. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int delete_old(store *s, const char *source, td_error *err)
{
    sqlite3_stmt *find = s->stmt[ST_FIND_DOC];
    sqlite3_bind_text(find, 1, source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(find);
    sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
    sqlite3_reset(find);
    if (rc == SQLITE_DONE)
        return 0;                       /* a new source: nothing to remove */
    if (rc != SQLITE_ROW)
        return db_error(s->db, "cannot look for the old rows", err);

    const char *sql = DELETE_OLD;
    while (*sql) {
        sqlite3_stmt *st;
        const char *rest;
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, &rest) != SQLITE_OK)
            return db_error(s->db, "cannot remove the old rows", err);
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_error(s->db, "cannot remove the old rows", err);
        sql = rest;
    }
    return 0;
}

static int insert_document(store *s, const td_doc *doc, const doc_facts *f,
                           sqlite3_int64 *id, td_error *err)
{
    sqlite3_stmt *st = s->stmt[ST_INSERT_DOC];
    bind_text(st, 1, td_doc_source_name(doc));
    bind_text(st, 2, td_doc_source_id(doc));
    bind_text(st, 3, td_doc_title(doc));
    bind_text(st, 4, td_doc_date(doc));
    bind_text(st, 5, td_doc_format(doc));
    bind_time(st, 6, f->duration);
    sqlite3_bind_int64(st, 7, f->words);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)td_doc_segment_count(doc));
    bind_text(st, 9, f->summary.data);
    bind_text(st, 10, f->keywords.data);
    if (step_done(st) != 0)
        return db_error(s->db, "cannot add the document", err);
    *id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

static int insert_speakers(store *s, const td_doc *doc, sqlite3_int64 id, td_error *err)
{
    sqlite3_stmt *st = s->stmt[ST_INSERT_SPEAKER];
    for (size_t i = 0; i < td_doc_speaker_count(doc); i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)i);
        bind_text(st, 3, td_doc_speaker_id(doc, (int)i));
        bind_text(st, 4, td_doc_speaker_name(doc, (int)i));
        if (step_done(st) != 0)
            return db_error(s->db, "cannot add the speakers", err);
    }
    return 0;
}

static int insert_segments(store *s, const td_doc *doc, sqlite3_int64 id, td_error *err)
{
    sqlite3_stmt *row = s->stmt[ST_INSERT_SEGMENT], *fts = s->stmt[ST_INSERT_INDEX];
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *seg = td_doc_segment(doc, i);
        int who = td_segment_speaker(seg);
        size_t len;
        const char *text = td_segment_text(seg, &len);
        sqlite3_bind_int64(row, 1, id);
        sqlite3_bind_int64(row, 2, (sqlite3_int64)i);
        bind_time(row, 3, td_segment_start(seg));
        bind_time(row, 4, td_segment_end(seg));
        bind_text(row, 5, who == TD_NO_SPEAKER ? NULL : td_doc_speaker_name(doc, who));
        bind_text(row, 6, KIND_NAMES[td_segment_kind(seg)]);
        bind_text(row, 7, td_segment_label(seg));
        sqlite3_bind_text(row, 8, text, (int)len, SQLITE_STATIC);
        if (step_done(row) != 0)
            return db_error(s->db, "cannot add the segments", err);
        sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(s->db));
        sqlite3_bind_text(fts, 2, text, (int)len, SQLITE_STATIC);
        if (step_done(fts) != 0)
            return db_error(s->db, "cannot add the segments", err);
    }
    return 0;
}

int store_write(store *s, const td_doc *doc, const doc_facts *f, td_error *err)
{
    sqlite3_int64 id = 0;
    if (delete_old(s, td_doc_source_name(doc), err) != 0 ||
        insert_document(s, doc, f, &id, err) != 0 ||
        insert_speakers(s, doc, id, err) != 0 ||
        insert_segments(s, doc, id, err) != 0)
        return -1;
    return 0;
}
