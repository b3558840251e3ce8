/*
 * cli_search.c - `transcriptd search QUERY`: the segments of the sqlite
 * exporter's index that match an FTS5 query, best first (BM25,
 * search_rank.h), with the file, the time, the speaker and a snippet with
 * the matches marked.
 *
 * Exit status: 0 when something matched, 1 when nothing did, 2 on an
 * error (bad query, no index, bad arguments), like grep.
 *
 * It reads the config only to find the index (no plugins are loaded), and
 * opens the database read-only: a search never blocks the daemon, which
 * writes in WAL mode.
 */
#include "cli.h"

#include "paths.h"
#include "search_rank.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sqlite exporter's default for its `database` option. */
#define DEFAULT_DB_NAME "transcripts.db"
#define SNIPPET_TOKENS 16

/*
 * td_rank() (search_rank.h) is BM25 without the length lookup that made
 * bm25() slow.  The best hits are found first (with --speaker, among that
 * speaker's segments), then joined: the join and the snippet are paid for
 * the rows shown, not for every match.  The snippets need a second MATCH,
 * which runs once over the index; CROSS JOIN fixes the order (index, hits,
 * segments, documents), or the planner looked up the segment of every
 * match, not only of the hits.  Ties go to the earlier file and segment.
 */
#define SQL_SHOW                                                                \
    " SELECT d.source, d.title, s.start, s.\"end\", s.speaker,"                 \
    "  snippet(segments_fts, 0, ?4, ?5, '…', ?6), hits.score, s.text"           \
    " FROM segments_fts CROSS JOIN hits ON hits.id = segments_fts.rowid"        \
    "  CROSS JOIN segments s ON s.id = hits.id CROSS JOIN documents d ON d.id = s.doc" \
    " WHERE segments_fts MATCH ?1"                                              \
    " ORDER BY hits.score, d.source, s.seq"

static const char SQL_ANY[] =
    "WITH hits AS (SELECT rowid AS id, td_rank(segments_fts) AS score FROM segments_fts"
    "  WHERE segments_fts MATCH ?1 ORDER BY score, rowid LIMIT ?3)" SQL_SHOW;

static const char SQL_SPEAKER[] =
    "WITH hits AS (SELECT segments_fts.rowid AS id, td_rank(segments_fts) AS score"
    "  FROM segments_fts JOIN segments ON segments.id = segments_fts.rowid"
    "  WHERE segments_fts MATCH ?1 AND segments.speaker = ?2 COLLATE NOCASE"
    "  ORDER BY score, segments_fts.rowid LIMIT ?3)" SQL_SHOW;

typedef struct search_args {
    cli_common cc;
    const char *db;
    const char *speaker;
    long limit;
    bool json;
    char *query;            /* the words given, joined by spaces */
} search_args;

static const char USAGE[] =
    "usage: transcriptd search [-c FILE] [--db PATH] [--speaker NAME] [--limit N] "
    "[--json] QUERY...\n"
    "  QUERY is FTS5 query syntax: words, \"a phrase\", pre*, AND, OR, NOT, "
    "NEAR(a b, 5)\n";

/* Returns 0, 1 (printed help: exit 0) or 2 (bad arguments). */
static int parse_args(int argc, char **argv, search_args *a)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG,
        { "db", required_argument, NULL, 'd' },
        { "speaker", required_argument, NULL, 's' },
        { "limit", required_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'j' },
        { 0 },
    };
    int opt;
    char *end;

    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT "n:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': a->db = optarg; break;
        case 's': a->speaker = optarg; break;
        case 'j': a->json = true; break;
        case 'n':
            a->limit = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || a->limit < 1 || a->limit > 10000) {
                fprintf(stderr, "transcriptd: search: --limit must be a number "
                        "from 1 to 10000, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': fputs(USAGE, stdout); return 1;
        default:
            if (!cli_common_opt(&a->cc, opt, optarg))
                return fputs(USAGE, stderr), 2;
        }
    }
    td_buf q = TD_BUF_INIT;
    for (int i = optind; i < argc; i++)
        td_buf_printf(&q, "%s%s", i > optind ? " " : "", argv[i]);
    if (q.len == 0) {
        td_buf_free(&q);
        fprintf(stderr, "transcriptd: search: no query given\n%s", USAGE);
        return 2;
    }
    a->query = q.data;
    return 0;
}

/* [sqlite] database from the config, in the outbox unless absolute. */
static char *default_db(const config *c)
{
    const char *name = DEFAULT_DB_NAME;
    for (size_t i = 0; i < c->nplugin_opts; i++)
        if (!strcmp(c->plugin_opts[i].section, "sqlite") &&
            !strcmp(c->plugin_opts[i].key, "database"))
            name = c->plugin_opts[i].value;
    return name[0] == '/' ? strdup(name) : path_join(c->outbox, name);
}

static char *find_db(const search_args *a)
{
    config c;
    if (a->db != NULL)
        return strdup(a->db);
    if (config_load(&c, a->cc.config_path) != 0) {
        fputs(c.errors.data, stderr);
        config_free(&c);
        return NULL;
    }
    char *path = default_db(&c);
    config_free(&c);
    return path;
}

static sqlite3 *open_index(const char *path)
{
    sqlite3 *db = NULL;
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "transcriptd: search: no index at %s (add sqlite to "
                "[pipeline] exporters and process some files, or give --db)\n", path);
        return NULL;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "transcriptd: search: cannot open %s: %s\n", path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    if (search_rank_register(db) != 0) {
        fprintf(stderr, "transcriptd: search: this SQLite has no FTS5\n");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void print_json_string(const char *s)
{
    json_t *j = s ? json_string(s) : json_null();
    char *text = json_dumps(j ? j : json_null(), JSON_ENCODE_ANY);
    fputs(text ? text : "null", stdout);
    free(text);
    json_decref(j);
}

static void print_json_time(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        fputs("null", stdout);
    else
        printf("%.3f", sqlite3_column_double(st, col));
}

static void print_hit_json(sqlite3_stmt *st, long n)
{
    static const char *const keys[] = { "file", "title", "start", "end", "speaker",
                                        "snippet" };
    printf("%s\n  {", n ? "," : "[");
    for (int col = 0; col < 6; col++) {
        printf("%s\"%s\": ", col ? ", " : "", keys[col]);
        if (col == 2 || col == 3)
            print_json_time(st, col);
        else
            print_json_string((const char *)sqlite3_column_text(st, col));
    }
    printf(", \"score\": %.6g, \"text\": ", sqlite3_column_double(st, 6));
    print_json_string((const char *)sqlite3_column_text(st, 7));
    putchar('}');
}

static void print_hit_text(sqlite3_stmt *st)
{
    char t[24];
    const char *speaker = (const char *)sqlite3_column_text(st, 4);
    printf("%s", (const char *)sqlite3_column_text(st, 0));
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
        printf(" [%s]", td_time_format((td_ms)(sqlite3_column_double(st, 2) * 1000 + 0.5),
                                       false, t));
    if (speaker != NULL)
        printf(" %s:", speaker);
    printf(" %s\n", (const char *)sqlite3_column_text(st, 5));
}

/* Runs the query; returns the exit status. */
static int search(sqlite3 *db, const search_args *a)
{
    sqlite3_stmt *st;
    bool color = !a->json && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    const char *sql = a->speaker ? SQL_SPEAKER : SQL_ANY;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "transcriptd: search: %s is not a transcriptd index: %s\n",
                sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
        return 2;
    }
    sqlite3_bind_text(st, 1, a->query, -1, SQLITE_STATIC);
    if (a->speaker)
        sqlite3_bind_text(st, 2, a->speaker, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->limit);
    sqlite3_bind_text(st, 4, color ? "\033[1;31m" : "**", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, color ? "\033[0m" : "**", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, SNIPPET_TOKENS);

    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->json)
            print_hit_json(st, n);
        else
            print_hit_text(st);
        n++;
    }
    if (a->json)
        fputs(n ? "\n]\n" : "[]\n", stdout);
    if (rc != SQLITE_DONE) {
        /* FTS5 reports a bad query when the statement runs. */
        fprintf(stderr, "transcriptd: search: bad query '%s': %s\n%s", a->query,
                sqlite3_errmsg(db), USAGE);
        sqlite3_finalize(st);
        return 2;
    }
    sqlite3_finalize(st);
    return n > 0 ? 0 : 1;
}

int cmd_search(int argc, char **argv)
{
    search_args a = { .limit = 10 };
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    char *path = find_db(&a);
    sqlite3 *db = path ? open_index(path) : NULL;
    rc = db ? search(db, &a) : 2;
    sqlite3_close(db);
    free(path);
    free(a.query);
    return rc;
}
