/* The sqlite exporter: one index, rows replaced by source name, FTS5,
 * WAL, and several writers taking turns. */
#include "sample_docs.h"

#include "internal.h"

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

static shared start_plugin(void)
{
    shared sh = { td_plugin_entry(), NULL, NULL };
    td_error err = { "" };
    sh.opts = td__options_new(sh.p->options, ".", ".");
    assert_int_equal(sh.p->init(&sh.state, sh.opts, &err), 0);
    return sh;
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
