/* The sqlite exporter: one index, rows replaced by source name, FTS5,
 * WAL, and several writers taking turns. */
#include "sample_docs.h"

#include "internal.h"
#include "../../plugins/exporters/sqlite/sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const td_plugin *td_plugin_entry(void);

typedef struct fixture {
    char dir[64];
    char db[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/td-sqlite-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/transcripts.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Runs the exporter on doc with the index in f->dir; returns run()'s result. */
static int index_doc(const fixture *f, td_doc *doc, const char *const *opts, td_error *err)
{
    td__doc_set_export(doc, f->dir, "out", false);
    int rc = th_run(td_plugin_entry(), doc, opts, err);
    td__doc_abort_outputs(doc);
    return rc;
}

static void index_ok(const fixture *f, td_doc *doc)
{
    td_error err = { "" };
    if (index_doc(f, doc, NULL, &err) != 0)
        fail_msg("sqlite: %s", err.message);
}

/* The first column of the first row of sql, as text ("" when NULL). */
static char *query1(const fixture *f, const char *sql)
{
    static char out[512];
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static void indexes_documents_speakers_segments(void **state)
{
    fixture *f = *state;
    td_doc *doc = sd_workshop();
    index_ok(f, doc);
    assert_string_equal(query1(f, "PRAGMA journal_mode"), "wal");
    assert_string_equal(query1(f, "SELECT source || '|' || source_id || '|' || title || '|' "
                                  "|| date || '|' || duration || '|' || segments FROM documents"),
                        "workshop.txt|fd21ae1e04a009a3|Pine & <Birds>: a \"workshop\"|"
                        "2024-05-01|81.0|9");
    assert_string_equal(query1(f, "SELECT words FROM documents"), "67");
    assert_string_equal(query1(f, "SELECT summary || '|' || keywords FROM documents"),
                        "They build a birdhouse.|birdhouse, pine_boards, entrance hole");
    assert_string_equal(query1(f, "SELECT group_concat(sid || '=' || name, ',') FROM "
                                  "(SELECT * FROM speakers ORDER BY idx)"), "A=Ann,B=Bob");
    assert_string_equal(query1(f, "SELECT start || '-' || \"end\" || ' ' || speaker || ' ' "
                                  "|| kind || ' ' || text FROM segments WHERE seq = 7"),
                        "75.0-78.0 Bob speech Use a <sharp> saw & take care.");
    assert_string_equal(query1(f, "SELECT kind || ' ' || label || ' ' || (speaker IS NULL) "
                                  "FROM segments WHERE seq = 3"), "event laughter 1");
    /* Full text, ranked by bm25: one match each, the shorter segment first. */
    assert_string_equal(query1(f, "SELECT group_concat(seq, ',') FROM (SELECT s.seq FROM "
                                  "segments_fts JOIN segments s ON s.id = segments_fts.rowid "
                                  "WHERE segments_fts MATCH 'birdhouse OR entrance' "
                                  "ORDER BY rank)"), "8,1");
    assert_string_equal(query1(f, "SELECT snippet(segments_fts, 0, '[', ']', '…', 4) FROM "
                                  "segments_fts WHERE segments_fts MATCH 'panels'"),
                        "…side [panels], keeping the…");
    td_doc_free(doc);
}

static void reprocessing_replaces_rows(void **state)
{
    fixture *f = *state;
    td_doc *doc = sd_workshop();
    index_ok(f, doc);
    index_ok(f, doc);                       /* the same file again */
    td_doc_free(doc);
    assert_string_equal(query1(f, "SELECT count(*) FROM documents"), "1");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments"), "9");
    assert_string_equal(query1(f, "SELECT count(*) FROM speakers"), "2");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments_fts WHERE "
                                  "segments_fts MATCH 'workshop'"), "1");

    /* A new version of the file: the old text is gone from the index. */
    doc = th_doc("workshop.txt", "new bytes");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "only kayaks now", TD_NTS);
    index_ok(f, doc);
    td_doc_free(doc);
    doc = th_doc("other.txt", "other bytes");
    td_doc_add_segment(doc, 0, 1000, TD_NO_SPEAKER, TD_SEG_SPEECH, "a workshop", TD_NTS);
    index_ok(f, doc);
    td_doc_free(doc);
    assert_string_equal(query1(f, "SELECT group_concat(source, ',') FROM "
                                  "(SELECT source FROM documents ORDER BY source)"),
                        "other.txt,workshop.txt");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments"), "2");
    assert_string_equal(query1(f, "SELECT count(*) FROM speakers"), "0");
    assert_string_equal(query1(f, "SELECT group_concat(d.source) FROM segments_fts JOIN "
                                  "segments s ON s.id = segments_fts.rowid JOIN documents d "
                                  "ON d.id = s.doc WHERE segments_fts MATCH 'workshop'"),
                        "other.txt");
    /* The index is consistent with its content table. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO segments_fts(segments_fts, rank) "
                                      "VALUES ('integrity-check', 1)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* One plugin state for a whole test, as the daemon keeps it. */
typedef struct shared {
    const td_plugin *p;
    td_options *opts;
    void *state;
} shared;

static shared start_plugin_with(const char *key, const char *value)
{
    shared sh = { td_plugin_entry(), NULL, NULL };
    td_error err = { "" };
    sh.opts = td__options_new(sh.p->options, ".", ".");
    if (key != NULL)
        td__options_set(sh.opts, key, value, NULL, 0);
    assert_int_equal(sh.p->init(&sh.state, sh.opts, &err), 0);
    return sh;
}

static shared start_plugin(void)
{
    return start_plugin_with(NULL, NULL);
}

static void stop_plugin(shared *sh)
{
    sh->p->fini(sh->state);
    td__options_free(sh->opts);
}

static int run_shared(const shared *sh, const fixture *f, td_doc *doc, td_error *err)
{
    td__doc_set_export(doc, f->dir, "out", false);
    int rc = sh->p->run(sh->state, doc, err);
    td__doc_abort_outputs(doc);
    return rc;
}

typedef struct writer {
    const fixture *f;
    const shared *sh;
    int id;
    int failed;
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    for (int i = 0; i < 10; i++) {
        char name[32], text[64];
        snprintf(name, sizeof(name), "w%d-%d.txt", w->id, i);
        snprintf(text, sizeof(text), "writer%d file%d", w->id, i);
        td_error err = { "" };
        td_doc *doc = td_doc_new(name, text, strlen(text), &err);
        for (int k = 0; k < 50; k++)
            td_doc_add_segment(doc, k * 1000, k * 1000 + 1000, TD_NO_SPEAKER,
                               TD_SEG_SPEECH, text, TD_NTS);
        /* Half the writers share the daemon's one plugin state; the others
         * stand for other processes, each with its own connection. */
        int rc = w->id % 2 ? run_shared(w->sh, w->f, doc, &err)
                           : index_doc(w->f, doc, NULL, &err);
        if (rc != 0) {
            fprintf(stderr, "writer %d: %s\n", w->id, err.message);
            w->failed++;
        }
        td_doc_free(doc);
    }
    return NULL;
}

static void writers_take_turns(void **state)
{
    fixture *f = *state;
    shared sh = start_plugin();
    pthread_t t[4];
    writer w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (writer){ f, &sh, i, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failed, 0);
    }
    stop_plugin(&sh);
    assert_string_equal(query1(f, "SELECT count(*) FROM documents"), "40");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments"), "2000");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments_fts WHERE "
                                  "segments_fts MATCH 'writer3'"), "500");
}

static void deleted_database_is_made_again(void **state)
{
    fixture *f = *state;
    shared sh = start_plugin();
    td_error err = { "" };
    td_doc *doc = sd_workshop();
    assert_int_equal(run_shared(&sh, f, doc, &err), 0);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm'", f->db, f->db, f->db);
    assert_int_equal(system(cmd), 0);
    td_doc *other = sd_bare();
    assert_int_equal(run_shared(&sh, f, other, &err), 0);
    assert_string_equal(query1(f, "SELECT group_concat(source) FROM documents"), "chat.md");
    td_doc_free(other);
    td_doc_free(doc);
    stop_plugin(&sh);
}

static void locked_database_waits_then_fails(void **state)
{
    fixture *f = *state;
    td_doc *doc = sd_workshop();
    index_ok(f, doc);
    /* Another writer holds the lock. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    td_error err = { "" };
    assert_int_equal(index_doc(f, doc, (const char *[]){ "busy_timeout", "100", NULL }, &err), -1);
    assert_non_null(strstr(err.message, "locked"));
    /* Readers are not blocked meanwhile (WAL): the old rows are there. */
    assert_string_equal(query1(f, "SELECT count(*) FROM segments"), "9");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    index_ok(f, doc);
    td_doc_free(doc);
}

static void newer_schema_is_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    td_doc *doc = sd_workshop();
    td_error err = { "" };
    assert_int_equal(index_doc(f, doc, NULL, &err), -1);
    assert_non_null(strstr(err.message, "schema version 7"));
    td_doc_free(doc);
    assert_non_null(strstr(sd_init_error(td_plugin_entry(), "busy_timeout", "-1"),
                           "busy_timeout"));
}

static void database_option_names_the_file(void **state)
{
    fixture *f = *state;
    td_doc *doc = sd_bare();
    td_error err = { "" };
    assert_int_equal(index_doc(f, doc, (const char *[]){ "database", "chats.db", NULL }, &err), 0);
    char path[160];
    snprintf(path, sizeof(path), "%s/chats.db", f->dir);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_not_equal(access(f->db, F_OK), 0);
    td_doc_free(doc);
}

/* ---- group commit ------------------------------------------------------- */

/* One document of one worker thread, run on the shared plugin state. */
typedef struct worker_doc {
    const fixture *f;
    const shared *sh;
    td_doc *doc;
    int rc;
    td_error err;
} worker_doc;

static void *run_one(void *arg)
{
    worker_doc *w = arg;
    w->rc = run_shared(w->sh, w->f, w->doc, &w->err);
    return NULL;
}

/* Whether the indexer has received `received` jobs and `waiting` of them
 * are queued, not yet taken. */
static bool indexer_at(indexer *ix, unsigned long long received, size_t waiting)
{
    size_t n = 0;
    pthread_mutex_lock(&ix->lock);
    for (index_job *j = ix->head; j != NULL; j = j->next)
        n++;
    bool at = ix->received == received && n == waiting;
    pthread_mutex_unlock(&ix->lock);
    return at;
}

static td_doc *talk(const char *name, const char *words)
{
    td_doc *doc = th_doc(name, words);
    td_doc_add_segment(doc, 0, 2000, TD_NO_SPEAKER, TD_SEG_SPEECH, words, TD_NTS);
    td_doc_add_segment(doc, 2000, 4000, TD_NO_SPEAKER, TD_SEG_SPEECH, "and more", TD_NTS);
    return doc;
}

/*
 * Holds the write lock from another connection while n documents are
 * handed to the exporter: the indexer waits on the first, the others queue
 * behind it; then lets go and waits for all of them.
 */
static void run_queued(const fixture *f, const shared *sh, worker_doc *w, size_t n,
                       const char *then_sql)
{
    sqlite3 *db;
    pthread_t t[8];
    indexer *ix = &((sqlite_state *)sh->state)->ix;
    unsigned long long before = ix->received;
    assert_true(n <= 8);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    for (size_t i = 0; i < n; i++) {
        w[i] = (worker_doc){ f, sh, w[i].doc, -1, { "" } };
        assert_int_equal(pthread_create(&t[i], NULL, run_one, &w[i]), 0);
        /* In order: the first is taken and waits for the lock, the others
         * queue behind it. */
        while (!indexer_at(ix, before + i + 1, i))
            usleep(1000);
    }
    usleep(20000);          /* the first is in BEGIN, waiting for the lock */
    assert_int_equal(sqlite3_exec(db, then_sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    for (size_t i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

static void documents_waiting_are_committed_together(void **state)
{
    fixture *f = *state;
    shared sh = start_plugin();
    sqlite_state *st = sh.state;
    td_error err = { "" };
    td_doc *first = sd_workshop();
    assert_int_equal(run_shared(&sh, f, first, &err), 0);
    assert_int_equal(st->ix.commits, 1);

    worker_doc w[6];
    w[0].doc = talk("a.txt", "alpha");
    w[1].doc = talk("b.txt", "bravo");
    w[2].doc = talk("c.txt", "charlie");
    w[3].doc = talk("workshop.txt", "kayaks instead");    /* reprocessed */
    w[4].doc = talk("d.txt", "delta");
    w[5].doc = talk("b.txt", "bravo again");              /* twice in one batch */
    run_queued(f, &sh, w, 6, "ROLLBACK");
    for (int i = 0; i < 6; i++) {
        if (w[i].rc != 0)
            fail_msg("%s: %s", td_doc_source_name(w[i].doc), w[i].err.message);
        td_doc_free(w[i].doc);
    }
    /* The first alone, the five that waited behind it in one transaction. */
    assert_int_equal(st->ix.commits, 3);
    assert_int_equal(st->ix.batched, 5);
    stop_plugin(&sh);

    assert_string_equal(query1(f, "SELECT group_concat(source, ',') FROM "
                                  "(SELECT source FROM documents ORDER BY source)"),
                        "a.txt,b.txt,c.txt,d.txt,workshop.txt");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments"), "10");
    assert_string_equal(query1(f, "SELECT group_concat(d.source) FROM segments_fts JOIN "
                                  "segments s ON s.id = segments_fts.rowid JOIN documents d "
                                  "ON d.id = s.doc WHERE segments_fts MATCH 'charlie OR delta "
                                  "OR kayaks'"), "c.txt,workshop.txt,d.txt");
    /* The later b.txt replaced the earlier one of the same batch. */
    assert_string_equal(query1(f, "SELECT group_concat(s.text, '|') FROM segments s JOIN "
                                  "documents d ON d.id = s.doc WHERE d.source = 'b.txt'"),
                        "bravo again|and more");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments_fts WHERE segments_fts "
                                  "MATCH 'workshop OR birdhouse'"), "0");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO segments_fts(segments_fts, rank) "
                                      "VALUES ('integrity-check', 1)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    td_doc_free(first);
}

static void failing_batch_fails_its_documents(void **state)
{
    fixture *f = *state;
    shared sh = start_plugin_with("busy_timeout", "5000");
    td_error err = { "" };
    td_doc *first = sd_workshop();
    assert_int_equal(run_shared(&sh, f, first, &err), 0);

    /* One document the database refuses: the others of its batch go in,
     * it alone fails, with the database's reason. */
    worker_doc w[4];
    w[0].doc = talk("a.txt", "alpha");
    w[1].doc = talk("bad.txt", "refused");
    w[2].doc = talk("c.txt", "charlie");
    w[3].doc = talk("d.txt", "delta");
    run_queued(f, &sh, w, 4,
               "CREATE TRIGGER refuse BEFORE INSERT ON documents WHEN NEW.source = "
               "'bad.txt' BEGIN SELECT RAISE(ABORT, 'bad.txt refused by a test trigger'); "
               "END; COMMIT");
    for (int i = 0; i < 4; i++) {
        if (i == 1)
            continue;
        if (w[i].rc != 0)
            fail_msg("%s: %s", td_doc_source_name(w[i].doc), w[i].err.message);
    }
    assert_int_equal(w[1].rc, -1);
    assert_string_equal(w[1].err.message,
                        "cannot add the document: bad.txt refused by a test trigger");
    assert_string_equal(query1(f, "SELECT group_concat(source, ',') FROM "
                                  "(SELECT source FROM documents ORDER BY source)"),
                        "a.txt,c.txt,d.txt,workshop.txt");
    assert_string_equal(query1(f, "SELECT count(*) FROM segments_fts WHERE segments_fts "
                                  "MATCH 'refused'"), "0");
    for (int i = 0; i < 4; i++)
        td_doc_free(w[i].doc);

    stop_plugin(&sh);

    /* The lock held past the busy timeout: every document waiting fails
     * with the cause, and nothing of them is written. */
    sh = start_plugin_with("busy_timeout", "200");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "late%d.txt", i);
        w[i] = (worker_doc){ f, &sh, talk(name, "late"), -1, { "" } };
        assert_int_equal(pthread_create(&t[i], NULL, run_one, &w[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].rc, -1);
        assert_string_equal(w[i].err.message, "cannot start a transaction: database is locked");
        td_doc_free(w[i].doc);
    }
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_string_equal(query1(f, "SELECT count(*) FROM documents WHERE source LIKE 'late%'"),
                        "0");
    /* And once the lock is free, documents go in again. */
    td_doc *again = talk("late0.txt", "late");
    assert_int_equal(run_shared(&sh, f, again, &err), 0);
    assert_string_equal(query1(f, "SELECT count(*) FROM documents WHERE source LIKE 'late%'"),
                        "1");
    td_doc_free(again);
    td_doc_free(first);
    stop_plugin(&sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(indexes_documents_speakers_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(reprocessing_replaces_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(writers_take_turns, setup, teardown),
        cmocka_unit_test_setup_teardown(deleted_database_is_made_again, setup, teardown),
        cmocka_unit_test_setup_teardown(locked_database_waits_then_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(database_option_names_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(documents_waiting_are_committed_together, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(failing_batch_fails_its_documents, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
