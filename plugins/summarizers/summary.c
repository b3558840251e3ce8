/*
 * summary.c - an extractive summary: the most central sentences of a
 * transcript, shown in the order they were said.
 *
 * LexRank: sentences are TF-IDF vectors of stemmed content words; two
 * sentences are linked by their cosine similarity; PageRank over that
 * graph ranks them.  The picking is MMR: each next sentence is the one
 * with the best rank less a penalty for its similarity to those already
 * picked, so two picked sentences do not say the same thing.
 *
 * Cost stays near-linear in the length of the transcript: similarities
 * come from an inverted index, and a term found in more than POSTING_CAP
 * sentences (a word everybody uses all the time, with little IDF weight)
 * links no pair; each sentence keeps its NEIGHBOURS most similar
 * sentences.  So the work is at most POSTING_CAP per word and the graph
 * has at most NEIGHBOURS edges per sentence, whatever the length.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/analysis.h"

#define POSTING_CAP 50
#define NEIGHBOURS 20
#define MIN_SIMILARITY 0.1
#define DAMPING 0.85
#define TOLERANCE 1e-6         /* L1 change a sentence to stop at, as networkx */
#define MAX_ITERATIONS 100
#define NEAR_DUPLICATE 0.7
#define FULL_WORDS 20

typedef struct summary_state {
    text_options text;
    long long sentences;
    double ratio, redundancy;
    long long min_words;
} summary_state;

static const td_option options[] = {
    { "sentences", TD_OPT_INT, "5", "how many sentences the summary has" },
    { "ratio", TD_OPT_DOUBLE, "0",
      "when above 0: the share of the transcript's sentences to keep instead" },
    { "min_words", TD_OPT_INT, "6", "shorter sentences are never picked" },
    { "redundancy", TD_OPT_DOUBLE, "0.3",
      "0 to 1: how much likeness to a picked sentence counts against another" },
    TEXT_OPTIONS,
    { NULL },
};

/* Sparse vectors, one per sentence, in compressed rows. */
typedef struct matrix {
    size_t *row;            /* n + 1 offsets */
    uint32_t *col;
    float *val;
} matrix;

typedef struct ranker {
    size_t n;               /* sentences */
    size_t terms;
    matrix vec;             /* sentence -> (term, TF-IDF weight), unit length */
    matrix post;            /* term -> (sentence, weight) */
    matrix edge;            /* sentence -> (sentence, similarity) */
    double *rank;
} ranker;

static int init(void **state, const td_options *opts, td_error *err)
{
    summary_state st = {
        .sentences = td_opt_int(opts, "sentences"),
        .ratio = td_opt_double(opts, "ratio"),
        .redundancy = td_opt_double(opts, "redundancy"),
        .min_words = td_opt_int(opts, "min_words"),
    };

    if (st.sentences < 1 || st.ratio < 0 || st.ratio > 1 || st.redundancy < 0 ||
        st.redundancy > 1)
        return td_error_set(err, "sentences must be positive, ratio and "
                                 "redundancy between 0 and 1");
    summary_state *s = malloc(sizeof(*s));
    if (s == NULL)
        return td_error_set(err, "out of memory");
    *s = st;
    if (text_options_read(&s->text, opts, err) != 0) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static void fini(void *state)
{
    summary_state *st = state;
    text_options_free(&st->text);
    free(st);
}

static void matrix_free(matrix *m)
{
    free(m->row);
    free(m->col);
    free(m->val);
    memset(m, 0, sizeof(*m));
}

static int matrix_alloc(matrix *m, size_t rows, size_t entries)
{
    m->row = calloc(rows + 1, sizeof(*m->row));
    m->col = malloc((entries ? entries : 1) * sizeof(*m->col));
    m->val = malloc((entries ? entries : 1) * sizeof(*m->val));
    return m->row && m->col && m->val ? 0 : -ENOMEM;
}

static void ranker_free(ranker *r)
{
    matrix_free(&r->vec);
    matrix_free(&r->post);
    matrix_free(&r->edge);
    free(r->rank);
}

/* Sorts a sentence's few terms in place (insertion: rows are short). */
static void sort_terms(uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/*
 * TF-IDF vectors: weight (1 + ln tf) * ln(1 + n / df), unit length, terms
 * in increasing order so that two vectors merge in one pass.
 */
static int build_vectors(ranker *r, const tokens *tk, const size_t *first)
{
    size_t V = r->terms ? r->terms : 1;
    uint32_t *df = calloc(V, sizeof(*df));
    uint32_t *tf = calloc(V, sizeof(*tf));
    float *idf = malloc(V * sizeof(*idf));
    size_t entries = 0;
    int rc = df && tf && idf ? matrix_alloc(&r->vec, r->n, tk->n) : -ENOMEM;

    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        r->vec.row[i] = entries;
        for (size_t k = first[i]; k < first[i + 1]; k++)
            if (tf[tk->v[k].term]++ == 0)
                r->vec.col[entries++] = tk->v[k].term;
        size_t from = r->vec.row[i];
        sort_terms(r->vec.col + from, entries - from);
        for (size_t e = from; e < entries; e++) {
            uint32_t f = tf[r->vec.col[e]];
            /* Most terms occur once in a sentence: ln 1 = 0. */
            r->vec.val[e] = f == 1 ? 1.0f : (float)(1.0 + log((double)f));
            tf[r->vec.col[e]] = 0;
            df[r->vec.col[e]]++;
        }
    }
    for (size_t t = 0; rc == 0 && t < r->terms; t++)
        idf[t] = df[t] ? (float)log(1.0 + (double)r->n / df[t]) : 0;
    if (rc == 0) {
        r->vec.row[r->n] = entries;
        for (size_t i = 0; i < r->n; i++) {
            double norm = 0;
            for (size_t e = r->vec.row[i]; e < r->vec.row[i + 1]; e++) {
                r->vec.val[e] *= idf[r->vec.col[e]];
                norm += (double)r->vec.val[e] * r->vec.val[e];
            }
            float scale = norm > 0 ? (float)(1.0 / sqrt(norm)) : 1.0f;
            for (size_t e = r->vec.row[i]; e < r->vec.row[i + 1]; e++)
                r->vec.val[e] *= scale;
        }
    }
    free(df);
    free(tf);
    free(idf);
    return rc;
}

/* The transpose of the vectors: for each term, the sentences that have it. */
static int build_postings(ranker *r)
{
    size_t entries = r->vec.row[r->n];
    int rc = matrix_alloc(&r->post, r->terms, entries);
    if (rc != 0)
        return rc;
    for (size_t e = 0; e < entries; e++)
        r->post.row[r->vec.col[e] + 1]++;
    for (size_t t = 0; t < r->terms; t++)
        r->post.row[t + 1] += r->post.row[t];
    size_t *fill = malloc((r->terms ? r->terms : 1) * sizeof(*fill));
    if (fill == NULL)
        return -ENOMEM;
    memcpy(fill, r->post.row, r->terms * sizeof(*fill));
    for (size_t i = 0; i < r->n; i++)
        for (size_t e = r->vec.row[i]; e < r->vec.row[i + 1]; e++) {
            size_t at = fill[r->vec.col[e]]++;
            r->post.col[at] = (uint32_t)i;
            r->post.val[at] = r->vec.val[e];
        }
    free(fill);
    return 0;
}

typedef struct neighbour {
    double sim;
    uint32_t j;
} neighbour;

/* Keeps the NEIGHBOURS most similar in a min-heap (the least on top). */
static void keep_best(neighbour *heap, size_t *n, neighbour c)
{
    size_t i;
    if (*n < NEIGHBOURS) {
        /* Sift up. */
        for (i = (*n)++; i > 0 && heap[(i - 1) / 2].sim > c.sim; i = (i - 1) / 2)
            heap[i] = heap[(i - 1) / 2];
        heap[i] = c;
        return;
    }
    if (c.sim <= heap[0].sim)
        return;
    /* Replace the least and sift down. */
    for (i = 0;;) {
        size_t k = 2 * i + 1;
        if (k >= *n)
            break;
        if (k + 1 < *n && heap[k + 1].sim < heap[k].sim)
            k++;
        if (heap[k].sim >= c.sim)
            break;
        heap[i] = heap[k];
        i = k;
    }
    heap[i] = c;
}

/*
 * Each sentence's NEIGHBOURS most similar sentences.  For each sentence,
 * the postings of its rarer terms give the later sentences it shares
 * them with, and the products of the shared terms' weights add up to the
 * cosine; each similar pair goes to both sentences' heaps.
 */
static int build_edges(ranker *r)
{
    double *acc = calloc(r->n, sizeof(*acc));
    uint32_t *touched = malloc(r->n * sizeof(*touched));
    neighbour *best = malloc(r->n * NEIGHBOURS * sizeof(*best));
    size_t *nb = calloc(r->n, sizeof(*nb)), edges = 0;
    int rc = acc && touched && best && nb ? matrix_alloc(&r->edge, r->n, r->n * NEIGHBOURS)
                                          : -ENOMEM;

    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        size_t nt = 0;
        for (size_t e = r->vec.row[i]; e < r->vec.row[i + 1]; e++) {
            uint32_t t = r->vec.col[e];
            if (r->post.row[t + 1] - r->post.row[t] > POSTING_CAP)
                continue;
            /* Postings are in sentence order: the later ones are at the end. */
            for (size_t p = r->post.row[t + 1]; p > r->post.row[t] && r->post.col[p - 1] > i; p--) {
                uint32_t j = r->post.col[p - 1];
                if (acc[j] == 0)
                    touched[nt++] = j;
                acc[j] += (double)r->vec.val[e] * r->post.val[p - 1];
            }
        }
        for (size_t k = 0; k < nt; k++) {
            uint32_t j = touched[k];
            if (acc[j] >= MIN_SIMILARITY) {
                keep_best(best + i * NEIGHBOURS, &nb[i], (neighbour){ acc[j], j });
                keep_best(best + j * NEIGHBOURS, &nb[j], (neighbour){ acc[j], (uint32_t)i });
            }
            acc[j] = 0;
        }
    }
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        r->edge.row[i] = edges;
        for (size_t k = 0; k < nb[i]; k++) {
            r->edge.col[edges] = best[i * NEIGHBOURS + k].j;
            r->edge.val[edges++] = (float)best[i * NEIGHBOURS + k].sim;
        }
    }
    if (rc == 0)
        r->edge.row[r->n] = edges;
    free(acc);
    free(touched);
    free(best);
    free(nb);
    return rc;
}

/* PageRank by power iteration, similarity-weighted. */
static int page_rank(ranker *r)
{
    double *out = calloc(r->n, sizeof(*out)), *next = malloc(r->n * sizeof(*next));
    r->rank = malloc(r->n * sizeof(*r->rank));
    if (out == NULL || next == NULL || r->rank == NULL) {
        free(out);
        free(next);
        return -ENOMEM;
    }
    for (size_t i = 0; i < r->n; i++) {
        r->rank[i] = 1.0 / (double)r->n;
        for (size_t e = r->edge.row[i]; e < r->edge.row[i + 1]; e++)
            out[i] += r->edge.val[e];
    }
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
        double dangling = 0, delta = 0;
        for (size_t i = 0; i < r->n; i++)
            if (out[i] == 0)
                dangling += r->rank[i];
        double base = ((1 - DAMPING) + DAMPING * dangling) / (double)r->n;
        for (size_t i = 0; i < r->n; i++)
            next[i] = base;
        for (size_t i = 0; i < r->n; i++) {
            if (out[i] == 0)
                continue;
            double share = DAMPING * r->rank[i] / out[i];
            for (size_t e = r->edge.row[i]; e < r->edge.row[i + 1]; e++)
                next[r->edge.col[e]] += share * r->edge.val[e];
        }
        for (size_t i = 0; i < r->n; i++) {
            delta += fabs(next[i] - r->rank[i]);
            r->rank[i] = next[i];
        }
        if (delta < TOLERANCE * (double)r->n)
            break;
    }
    free(out);
    free(next);
    return 0;
}

/* The cosine of two sentences: their unit vectors merged. */
static double cosine(const ranker *r, size_t a, size_t b)
{
    size_t x = r->vec.row[a], xe = r->vec.row[a + 1];
    size_t y = r->vec.row[b], ye = r->vec.row[b + 1];
    double dot = 0;
    while (x < xe && y < ye) {
        if (r->vec.col[x] < r->vec.col[y])
            x++;
        else if (r->vec.col[x] > r->vec.col[y])
            y++;
        else
            dot += (double)r->vec.val[x++] * r->vec.val[y++];
    }
    return dot;
}

typedef struct candidate {
    double rank;
    double like;            /* the highest cosine to a picked sentence */
    uint32_t i;
    bool picked;
} candidate;

/* Higher ranks first, then earlier sentences. */
static bool ranks_before(const candidate *x, const candidate *y)
{
    return x->rank != y->rank ? x->rank > y->rank : x->i < y->i;
}

static void sift_down(candidate *heap, size_t n, size_t i)
{
    candidate x = heap[i];
    for (size_t k; (k = 2 * i + 1) < n; i = k) {
        if (k + 1 < n && ranks_before(&heap[k + 1], &heap[k]))
            k++;
        if (!ranks_before(&heap[k], &x))
            break;
        heap[i] = heap[k];
    }
    heap[i] = x;
}

/*
 * The best keep of the nc candidates (all of them when fewer), in order,
 * at the end of c: a heap gives them without sorting all the others.
 */
static candidate *best_first(candidate *c, size_t nc, size_t keep)
{
    size_t n = nc;
    if (keep > nc)
        keep = nc;
    for (size_t i = nc / 2; i-- > 0;)
        sift_down(c, nc, i);
    /* Each best found goes just past the shrinking heap: the last is first. */
    while (n > nc - keep) {
        candidate top = c[0];
        c[0] = c[--n];
        c[n] = top;
        sift_down(c, n, 0);
    }
    for (size_t a = nc - keep, b = nc; a + 1 < b; a++, b--) {
        candidate x = c[a];
        c[a] = c[b - 1];
        c[b - 1] = x;
    }
    return c + nc - keep;
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * MMR over the best-ranked candidates: (1 - redundancy) * rank / best rank
 * - redundancy * likeness to the picked ones; near duplicates never.
 * Returns how many sentence indexes were written to picked.
 */
static size_t pick(const ranker *r, candidate *all, size_t nall, size_t want,
                   double redundancy, uint32_t *picked)
{
    size_t np = 0, nc = want < nall ? 3 * want + 50 : nall;
    if (nc > nall)
        nc = nall;
    candidate *c = best_first(all, nall, nc);
    while (np < want) {
        size_t best = nc;
        double best_score = -INFINITY;
        for (size_t k = 0; k < nc; k++) {
            if (c[k].picked || c[k].like > NEAR_DUPLICATE)
                continue;
            double s = (1 - redundancy) * c[k].rank / c[0].rank - redundancy * c[k].like;
            if (s > best_score) {
                best_score = s;
                best = k;
            }
        }
        if (best == nc)
            break;
        c[best].picked = true;
        picked[np++] = c[best].i;
        for (size_t k = 0; k < nc; k++) {
            double like = cosine(r, c[best].i, c[k].i);
            if (like > c[k].like)
                c[k].like = like;
        }
    }
    qsort(picked, np, sizeof(*picked), by_index);
    return np;
}

/*
 * Short sentences share a word or two with many others and rank high
 * while saying little: below FULL_WORDS words, rank is scaled down.
 */
static double length_prior(size_t words)
{
    return words >= FULL_WORDS ? 1.0 : (double)words / FULL_WORDS;
}

/*
 * The sentences worth showing, with their ranks: long enough, with two
 * content words or more, and not questions (which say what was asked, not
 * what was said; the questions summarizer lists them).
 */
static size_t candidates(const ranker *r, const sentences *ss, size_t min_words,
                         candidate *c)
{
    size_t nc = 0;
    for (size_t i = 0; i < ss->n; i++)
        if (ss->v[i].words >= min_words && !ss->v[i].question &&
            r->vec.row[i + 1] - r->vec.row[i] >= 2)
            c[nc++] = (candidate){ r->rank[i] * length_prior(ss->v[i].words), 0,
                                   (uint32_t)i, false };
    return nc;
}

static int summarize(const summary_state *st, td_doc *doc, const sentences *ss,
                     ranker *r)
{
    candidate *c = malloc(ss->n * sizeof(*c));
    uint32_t *picked = malloc(ss->n * sizeof(*picked));
    int rc = c && picked ? 0 : -ENOMEM;

    if (rc == 0) {
        size_t want = st->ratio > 0 ? (size_t)ceil(st->ratio * (double)ss->n)
                                    : (size_t)st->sentences;
        size_t nc = candidates(r, ss, (size_t)st->min_words, c);
        size_t np = pick(r, c, nc, want, st->redundancy, picked);
        for (size_t k = 0; rc == 0 && k < np; k++) {
            const sentence *s = &ss->v[picked[k]];
            rc = td_doc_add_summary(doc, s->start, s->speaker,
                                    sentence_text(ss, picked[k]), s->len);
        }
    }
    free(c);
    free(picked);
    return rc;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    summary_state *st = state;
    doc_words *w = analysis_words(doc, &st->text);
    ranker r = { 0 };
    int rc = w ? 0 : -ENOMEM;

    if (rc == 0 && w->ss->n > 0) {
        r.n = w->ss->n;
        r.terms = lexicon_term_count(w->lx);
        rc = build_vectors(&r, &w->tk, w->first);
        if (rc == 0)
            rc = build_postings(&r);
        if (rc == 0)
            rc = build_edges(&r);
        if (rc == 0)
            rc = page_rank(&r);
        if (rc == 0)
            rc = summarize(st, doc, w->ss, &r);
    }
    ranker_free(&r);
    return rc ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin summary = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "summary",
    .version = "1.0",
    .summary = "extractive summary: central sentences by LexRank, picked by MMR",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(summary)
