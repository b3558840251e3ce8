/*
 * search_rank.h - td_rank(), the ranking function `transcriptd search`
 * orders hits by: BM25 without length normalisation.
 *
 * FTS5's own bm25() reads each matching row's length from the
 * segments_fts_docsize table, one statement per match: three quarters of
 * the time of a query on a common word, measured.  td_rank() needs only
 * what the match itself carries (how often each phrase occurs in the
 * segment) and, once per query, how many segments hold each phrase:
 *
 *   score = -sum over phrases of idf * tf * (k1 + 1) / (tf + k1),  k1 = 1.2
 *   idf = max(1e-6, ln((N - n + 0.5) / (n + 0.5)))
 *
 * which is bm25() with b = 0: negative, lower is better.  Caption
 * segments are all about one line long, where length normalisation
 * changes little; a long turn that says a word many times now ranks above
 * a short line that says it once.
 */
#ifndef TD_SEARCH_RANK_H
#define TD_SEARCH_RANK_H

#include <sqlite3.h>

/* Registers td_rank() with the FTS5 module of db; 0, or -1 when FTS5 is missing. */
int search_rank_register(sqlite3 *db);

#endif
