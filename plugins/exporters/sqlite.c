/*
 * sqlite.c - a full-text index of every processed transcript, in one
 * SQLite database in the outbox (OUTBOX/transcripts.db), for
 * `transcriptd search` and for any program that reads SQLite.
 *
 * Tables (docs/search.md): documents, speakers, segments, and segments_fts,
 * an FTS5 index over the segments' text.
 * Reprocessing a file replaces its rows, found by source name, in the same
 * transaction that writes the new ones: readers see the old version or
 * the new one, never both or neither.
 *
 * The database is not an output the core renames into place, so this
 * exporter keeps its own atomicity: one IMMEDIATE transaction per
 * document.  WAL mode lets readers (search) run while a document is
 * written.
 *
 * SQLite has one writer at a time, so the worker threads share one
 * connection, taken in turn under a mutex (other processes wait through
 * the busy timeout).  One connection per run() was measured first: the
 * last connection to close checkpoints the WAL and syncs, four fdatasyncs
 * a document, which made indexing I/O-bound; a kept connection lets the
 * WAL grow and checkpoint every 1000 pages (docs/search.md has the
 * figures).  The connection is opened on the first document, and again
 * when the database file was deleted or replaced.
 */
#include <transcriptd/transcriptd.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const td_option options[] = {
    { "database", TD_OPT_STRING, "transcripts.db",
      "the index: a file name in the outbox, or a path" },
    { "busy_timeout", TD_OPT_INT, "10000",
      "milliseconds to wait for another writer before failing" },
    { "fsync", TD_OPT_BOOL, "yes",
      "sync every commit to disk (synchronous=FULL); no: NORMAL, faster" },
    { NULL, 0, NULL, NULL },
};

/* Bump with a migration when the tables change; search checks it. */
#define SCHEMA_VERSION 1

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
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
    "PRAGMA user_version = 1;";

/*
 * The index is kept in step by hand, not by triggers: FTS5 under a trigger
 * indexed 3 to 4 times slower (docs/search.md).  An external-content
 * index forgets a row given the text it indexed.
 */
static const char DELETE_OLD[] =
    "INSERT INTO segments_fts (segments_fts, rowid, text) SELECT 'delete', id, text"
    "  FROM segments WHERE doc IN (SELECT id FROM documents WHERE source = ?1);"
    "DELETE FROM segments WHERE doc IN (SELECT id FROM documents WHERE source = ?1);"
    "DELETE FROM speakers WHERE doc IN (SELECT id FROM documents WHERE source = ?1);"
    "DELETE FROM documents WHERE source = ?1;";

static const char INSERT_DOC[] =
    "INSERT INTO documents (source, source_id, title, date, format, duration,"
    " words, segments, summary, keywords, indexed_at) VALUES (?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";

static const char INSERT_SPEAKER[] =
    "INSERT INTO speakers (doc, idx, sid, name) VALUES (?, ?, ?, ?)";

static const char INSERT_SEGMENT[] =
    "INSERT INTO segments (doc, seq, start, \"end\", speaker, kind, label, text)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

static const char INSERT_INDEX[] =
    "INSERT INTO segments_fts (rowid, text) VALUES (?, ?)";

static const char *const KIND_NAMES[] = { "speech", "event", "heading" };

typedef struct sqlite_state {
    const char *database;       /* owned by the options, which outlive us */
    int busy_ms;
    bool fsync;
    /* Everything below is used only with `writer` held. */
    pthread_mutex_t writer;
    sqlite3 *db;
    char *path;                 /* the file db was opened on */
    dev_t dev;                  /* and its identity, to notice a new file */
    ino_t ino;
} sqlite_state;

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
    *st = (sqlite_state){ db, (int)busy, td_opt_bool(opts, "fsync") };
    if (pthread_mutex_init(&st->writer, NULL) != 0) {
        free(st);
        return td_error_set(err, "cannot create a mutex");
    }
    *state = st;
    return 0;
}

static void fini(void *state)
{
    sqlite_state *st = state;
    sqlite3_close(st->db);
    free(st->path);
    pthread_mutex_destroy(&st->writer);
    free(st);
}

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

/* Creates the tables in a new database; refuses one from a newer version. */
static int ensure_schema(sqlite3 *db, td_error *err)
{
    int v = user_version(db);
    if (v < 0)
        return db_error(db, "cannot read the schema version", err);
    if (v == SCHEMA_VERSION)
        return 0;
    if (v != 0)
        return td_error_set(err, "%s has schema version %d; this transcriptd "
                            "writes version %d", sqlite3_db_filename(db, "main"),
                            v, SCHEMA_VERSION);
    return exec(db, SCHEMA, "cannot create the index tables", err);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_time(sqlite3_stmt *st, int i, td_ms ms)
{
    return ms < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, ms / 1000.0);
}

static int delete_old(sqlite3 *db, const char *source, td_error *err)
{
    const char *sql = DELETE_OLD;
    while (*sql) {
        sqlite3_stmt *st;
        const char *rest;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &rest) != SQLITE_OK)
            return db_error(db, "cannot remove the old rows", err);
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_error(db, "cannot remove the old rows", err);
        sql = rest;
    }
    return 0;
}

/* The summary sentences one per line, the key phrases comma-separated. */
static void summary_text(const td_doc *doc, td_buf *sentences, td_buf *keywords)
{
    for (size_t i = 0; i < td_doc_summary_count(doc); i++)
        td_buf_printf(sentences, "%s%s", i ? "\n" : "", td_doc_summary_text(doc, i));
    for (size_t i = 0; i < td_doc_keyword_count(doc); i++)
        td_buf_printf(keywords, "%s%s", i ? ", " : "", td_doc_keyword(doc, i, NULL));
}

static void measure(const td_doc *doc, td_ms *duration, long long *words)
{
    *duration = TD_TIME_UNKNOWN;
    *words = 0;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms t = td_segment_end(s) >= 0 ? td_segment_end(s) : td_segment_start(s);
        if (t > *duration)
            *duration = t;
        if (td_segment_kind(s) == TD_SEG_SPEECH) {
            size_t len;
            const char *text = td_segment_text(s, &len);
            *words += (long long)td_text_word_count(text, len);
        }
    }
}

static int insert_document(sqlite3 *db, const td_doc *doc, sqlite3_int64 *id,
                           td_error *err)
{
    sqlite3_stmt *st;
    td_buf sentences = TD_BUF_INIT, keywords = TD_BUF_INIT;
    td_ms duration;
    long long words;

    if (sqlite3_prepare_v2(db, INSERT_DOC, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "cannot add the document", err);
    measure(doc, &duration, &words);
    summary_text(doc, &sentences, &keywords);
    bind_text(st, 1, td_doc_source_name(doc));
    bind_text(st, 2, td_doc_source_id(doc));
    bind_text(st, 3, td_doc_title(doc));
    bind_text(st, 4, td_doc_date(doc));
    bind_text(st, 5, td_doc_format(doc));
    bind_time(st, 6, duration);
    sqlite3_bind_int64(st, 7, words);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)td_doc_segment_count(doc));
    bind_text(st, 9, sentences.data);
    bind_text(st, 10, keywords.data);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    td_buf_free(&sentences);
    td_buf_free(&keywords);
    if (rc != SQLITE_DONE)
        return db_error(db, "cannot add the document", err);
    *id = sqlite3_last_insert_rowid(db);
    return 0;
}

static int insert_speakers(sqlite3 *db, const td_doc *doc, sqlite3_int64 id,
                           td_error *err)
{
    sqlite3_stmt *st;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(db, INSERT_SPEAKER, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "cannot add the speakers", err);
    for (size_t i = 0; i < td_doc_speaker_count(doc) && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, (int)i);
        bind_text(st, 3, td_doc_speaker_id(doc, (int)i));
        bind_text(st, 4, td_doc_speaker_name(doc, (int)i));
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_error(db, "cannot add the speakers", err);
}

static int insert_segments(sqlite3 *db, const td_doc *doc, sqlite3_int64 id,
                           td_error *err)
{
    sqlite3_stmt *row = NULL, *fts = NULL;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(db, INSERT_SEGMENT, -1, &row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, INSERT_INDEX, -1, &fts, NULL) != SQLITE_OK) {
        sqlite3_finalize(row);
        return db_error(db, "cannot add the segments", err);
    }
    for (size_t i = 0; i < td_doc_segment_count(doc) && rc == SQLITE_DONE; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        int who = td_segment_speaker(s);
        size_t len;
        const char *text = td_segment_text(s, &len);
        sqlite3_bind_int64(row, 1, id);
        sqlite3_bind_int64(row, 2, (sqlite3_int64)i);
        bind_time(row, 3, td_segment_start(s));
        bind_time(row, 4, td_segment_end(s));
        bind_text(row, 5, who == TD_NO_SPEAKER ? NULL : td_doc_speaker_name(doc, who));
        bind_text(row, 6, KIND_NAMES[td_segment_kind(s)]);
        bind_text(row, 7, td_segment_label(s));
        sqlite3_bind_text(row, 8, text, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(row);
        sqlite3_reset(row);
        if (rc != SQLITE_DONE)
            break;
        sqlite3_bind_int64(fts, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_text(fts, 2, text, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(fts);
        sqlite3_reset(fts);
    }
    sqlite3_finalize(row);
    sqlite3_finalize(fts);
    return rc == SQLITE_DONE ? 0 : db_error(db, "cannot add the segments", err);
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

static sqlite3 *db_open(const sqlite_state *st, const char *path, td_error *err)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        td_error_set(err, "cannot open %s: %s", path,
                     db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, st->busy_ms);
    /* WAL is a property of the file: set once, a no-op after. */
    if (exec(db, "PRAGMA journal_mode = WAL", "cannot switch to WAL mode", err) ||
        exec(db, st->fsync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
             "cannot set synchronous", err)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void db_forget(sqlite_state *st)
{
    sqlite3_close(st->db);
    free(st->path);
    st->db = NULL;
    st->path = NULL;
}

/* The shared connection for path, (re)opened as needed; writer held. */
static sqlite3 *db_get(sqlite_state *st, const char *path, td_error *err)
{
    struct stat sb;
    bool same = st->db != NULL && strcmp(st->path, path) == 0 &&
                stat(path, &sb) == 0 && sb.st_dev == st->dev && sb.st_ino == st->ino;
    if (same)
        return st->db;
    db_forget(st);
    sqlite3 *db = db_open(st, path, err);
    if (db == NULL)
        return NULL;
    st->path = strdup(path);
    if (st->path == NULL || stat(path, &sb) != 0) {
        sqlite3_close(db);
        free(st->path);
        st->path = NULL;
        td_error_set(err, "cannot open %s: out of memory or gone", path);
        return NULL;
    }
    st->db = db;
    st->dev = sb.st_dev;
    st->ino = sb.st_ino;
    return db;
}

/* Writes the document in one transaction; writer held. */
static int write_doc(sqlite3 *db, const td_doc *doc, td_error *err)
{
    sqlite3_int64 id = 0;
    /* IMMEDIATE: take the write lock now, so the busy timeout applies,
     * rather than fail on upgrading a read lock later. */
    int rc = exec(db, "BEGIN IMMEDIATE", "cannot start a transaction", err);
    if (rc != 0)
        return rc;
    rc = ensure_schema(db, err);
    rc = rc ? rc : delete_old(db, td_doc_source_name(doc), err);
    rc = rc ? rc : insert_document(db, doc, &id, err);
    rc = rc ? rc : insert_speakers(db, doc, id, err);
    rc = rc ? rc : insert_segments(db, doc, id, err);
    rc = rc ? rc : exec(db, "COMMIT", "cannot commit", err);
    if (rc != 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    sqlite_state *st = state;
    char *path = db_path(st, doc);
    if (path == NULL)
        return td_error_set(err, "out of memory");
    pthread_mutex_lock(&st->writer);
    sqlite3 *db = db_get(st, path, err);
    int rc = db ? write_doc(db, doc, err) : -1;
    /* After a failure start afresh: the file may be what went wrong. */
    if (rc != 0)
        db_forget(st);
    pthread_mutex_unlock(&st->writer);
    free(path);
    return rc;
}

static const td_plugin sqlite_plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_EXPORTER,
    .name = "sqlite",
    .version = "1.0",
    .summary = "a full-text index (SQLite FTS5) of every transcript, for search",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(sqlite_plugin)
