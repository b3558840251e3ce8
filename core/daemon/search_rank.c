/*
 * search_rank.c - see search_rank.h.
 */
#include "search_rank.h"

#include <math.h>
#include <stddef.h>

#define K1 1.2
/* Phrases past this many in one query are not scored (FTS5 allows more). */
#define MAX_PHRASES 64

/* What a query's rows share: each phrase's idf, computed on the first row. */
typedef struct rank_query {
    int nphrase;
    double idf[MAX_PHRASES];
} rank_query;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *rows)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)rows)++;
    return SQLITE_OK;
}

static rank_query *query_data(const Fts5ExtensionApi *api, Fts5Context *fts)
{
    rank_query *q = api->xGetAuxdata(fts, 0);
    sqlite3_int64 rows = 0;

    if (q != NULL)
        return q;
    q = sqlite3_malloc(sizeof(*q));
    if (q == NULL || api->xRowCount(fts, &rows) != SQLITE_OK) {
        sqlite3_free(q);
        return NULL;
    }
    q->nphrase = api->xPhraseCount(fts);
    if (q->nphrase > MAX_PHRASES)
        q->nphrase = MAX_PHRASES;
    for (int i = 0; i < q->nphrase; i++) {
        sqlite3_int64 with = 0;
        if (api->xQueryPhrase(fts, i, &with, count_row) != SQLITE_OK) {
            sqlite3_free(q);
            return NULL;
        }
        double idf = log(((double)(rows - with) + 0.5) / ((double)with + 0.5));
        q->idf[i] = idf > 1e-6 ? idf : 1e-6;
    }
    return api->xSetAuxdata(fts, q, sqlite3_free) == SQLITE_OK ? q : NULL;
}

static void td_rank(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
    double tf[MAX_PHRASES] = { 0 }, score = 0;
    rank_query *q = query_data(api, fts);
    int ninst = 0;

    (void)nval;
    (void)val;
    if (q == NULL || api->xInstCount(fts, &ninst) != SQLITE_OK) {
        sqlite3_result_error(ctx, "td_rank: cannot read the match", -1);
        return;
    }
    for (int i = 0; i < ninst; i++) {
        int phrase, col, off;
        if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK &&
            phrase >= 0 && phrase < q->nphrase)
            tf[phrase] += 1;
    }
    for (int i = 0; i < q->nphrase; i++)
        score += q->idf[i] * tf[i] * (K1 + 1) / (tf[i] + K1);
    sqlite3_result_double(ctx, -score);
}

int search_rank_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;

    /* The documented way to reach the FTS5 module of a connection. */
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (api == NULL || api->iVersion < 2)
        return -1;
    return api->xCreateFunction(api, "td_rank", NULL, td_rank, NULL) == SQLITE_OK ? 0 : -1;
}
