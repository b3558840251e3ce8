/*
 * chapters.c - where the topics change, and what each part is about.
 *
 * A source with chapters or headings (a podcast page) keeps them: each
 * heading becomes a chapter starting where the speech after it starts.
 * Otherwise the transcript is segmented by lexical cohesion: the words of
 * a chapter repeat within it and change at its borders.  The segmentation
 * minimizes the description length of the chapters' words, each chapter
 * a Dirichlet-smoothed unigram model of its own (Utiyama and Isahara,
 * 2001), by dynamic programming over blocks of about BLOCK_WORDS words.
 * A block that starts with a question is a likelier border (interviews
 * change topic with a question).  Each chapter is titled by its key
 * phrases: frequent in it, rare in the others.
 *
 * Cost: a chapter is at most 2.5 times the average length (and at most
 * MAX_CHAPTER_BLOCKS), so the programme looks back a bounded number of
 * blocks from each block; past DP_BUDGET steps each border also keeps to
 * a band around its evenly spaced place.  Time and memory grow linearly
 * with the transcript for a given chapter length.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/analysis.h"
#include "common/phrases.h"

#define BLOCK_WORDS 40
#define ALPHA 0.2               /* Dirichlet prior of each chapter's model */
#define QUESTION_BONUS 10.0     /* nats a border before a question saves */
#define WORDS_PER_MINUTE 150.0  /* to size chapters of untimed text */
#define DP_BUDGET 4000000       /* steps of exact segmentation, see best_split() */
#define MAX_CHAPTER_BLOCKS 1500 /* about 60,000 words */

typedef struct chapters_state {
    text_options text;
    double minutes;
    long long count;
    long long title_phrases;
    bool keep_source;
} chapters_state;

static const td_option options[] = {
    { "minutes", TD_OPT_DOUBLE, "5", "the average chapter length wanted, in minutes" },
    { "count", TD_OPT_INT, "0", "how many chapters to find; 0: from minutes" },
    { "title_phrases", TD_OPT_INT, "2", "key phrases in a found chapter's title" },
    { "keep_source", TD_OPT_BOOL, "yes", "keep the chapters or headings of the source" },
    TEXT_OPTIONS,
    { NULL },
};

/* A run of sentences: the unit chapters are made of. */
typedef struct block {
    uint32_t sentence;      /* the first */
    uint32_t from, to;      /* its tokens */
    bool question;          /* starts with a question */
} block;

typedef struct text {
    const sentences *ss;
    const tokens *tk;
    const size_t *first;    /* sentence -> its first token */
    block *blocks;
    size_t nblocks;
    size_t terms;
} text;

static int init(void **state, const td_options *opts, td_error *err)
{
    chapters_state st = {
        .minutes = td_opt_double(opts, "minutes"),
        .count = td_opt_int(opts, "count"),
        .title_phrases = td_opt_int(opts, "title_phrases"),
        .keep_source = td_opt_bool(opts, "keep_source"),
    };

    if (st.minutes <= 0 || st.count < 0 || st.title_phrases < 1)
        return td_error_set(err, "minutes and title_phrases must be positive, "
                                 "count 0 or more");
    chapters_state *s = malloc(sizeof(*s));
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
    chapters_state *st = state;
    text_options_free(&st->text);
    free(st);
}

/* ---- chapters the source has ------------------------------------------------- */

/* Where the speech after heading h starts, or the heading's own time. */
static td_ms heading_start(const td_doc *doc, size_t h)
{
    for (size_t i = h + 1; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) == TD_SEG_HEADING)
            break;
        if (td_segment_kind(s) == TD_SEG_SPEECH && td_segment_start(s) >= 0)
            return td_segment_start(s);
    }
    return td_segment_start(td_doc_segment(doc, h));
}

/* Adds a chapter per heading segment; returns how many, or -ENOMEM. */
static long chapters_from_headings(td_doc *doc)
{
    long n = 0;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        size_t len;
        const char *title = td_segment_text(s, &len);
        if (td_segment_kind(s) != TD_SEG_HEADING)
            continue;
        if (td_doc_add_chapter(doc, heading_start(doc, i), title, len) != 0)
            return -ENOMEM;
        n++;
    }
    return n;
}

/* ---- blocks -------------------------------------------------------------------- */

/* Groups sentences into blocks; a question or a new turn starts one. */
static int make_blocks(text *t)
{
    t->blocks = malloc((t->ss->n ? t->ss->n : 1) * sizeof(*t->blocks));
    if (t->blocks == NULL)
        return -ENOMEM;
    size_t words = 0;
    for (size_t i = 0; i < t->ss->n; i++) {
        const sentence *s = &t->ss->v[i];
        if (t->nblocks == 0 || words >= BLOCK_WORDS || s->question || s->turn_start) {
            t->blocks[t->nblocks++] = (block){ (uint32_t)i, (uint32_t)t->first[i],
                                               (uint32_t)t->first[i], s->question };
            words = 0;
        }
        t->blocks[t->nblocks - 1].to = (uint32_t)t->first[i + 1];
        words += s->words;
    }
    return 0;
}

/* How many chapters: count, or one per `minutes` of talk (or of words). */
static size_t chapter_count(const chapters_state *st, const td_doc *doc, const text *t)
{
    if (st->count > 0)
        return (size_t)st->count;
    td_ms last = TD_TIME_UNKNOWN;
    for (size_t i = 0; i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        td_ms end = td_segment_end(s) > td_segment_start(s) ? td_segment_end(s)
                                                            : td_segment_start(s);
        if (end > last)
            last = end;
    }
    double minutes = last / 60000.0;
    if (last <= 0) {
        size_t words = 0;
        for (size_t i = 0; i < t->ss->n; i++)
            words += t->ss->v[i].words;
        minutes = (double)words / WORDS_PER_MINUTE;
    }
    return (size_t)lround(minutes / st->minutes);
}

/* ---- segmentation ---------------------------------------------------------------- */

typedef struct segmenter {
    size_t n, k;            /* blocks, chapters */
    size_t minlen, maxlen;  /* chapter length bounds, in blocks */
    double *cost;           /* [j * maxlen + len - 1]: blocks j-len .. j-1 */
} segmenter;

/* Chapters starting at this many blocks are costed side by side. */
#define LANES 4

/*
 * The description length of every chapter that fits the bounds: with m
 * words seen so far and c of them the next word w, w costs
 * ln(m + ALPHA V) - ln(c + ALPHA).  Logarithms come from two tables.
 *
 * Each start's sum is one chain of dependent additions, so LANES starts
 * are summed together, each with its own counts: the same additions in
 * the same order per start, run side by side.
 */
static int chapter_costs(segmenter *sg, const text *t)
{
    size_t total = t->tk->n, V = t->terms ? t->terms : 1;
    double *lg_count = malloc((total + 1) * sizeof(double));
    double *lg_seen = malloc((total + 1) * sizeof(double));
    uint32_t *count = calloc(V * LANES, sizeof(uint32_t));
    sg->cost = malloc((sg->n + 1) * sg->maxlen * sizeof(double));
    int rc = lg_count && lg_seen && count && sg->cost ? 0 : -ENOMEM;

    for (size_t k = 0; rc == 0 && k <= total; k++) {
        lg_count[k] = log((double)k + ALPHA);
        lg_seen[k] = log((double)k + ALPHA * (double)V);
    }
    for (size_t i0 = 0; rc == 0 && i0 < sg->n; i0 += LANES) {
        size_t lanes = sg->n - i0 < LANES ? sg->n - i0 : LANES;
        double c[LANES] = { 0 };
        size_t seen[LANES] = { 0 };
        /* Block i0 + l + len - 1 closes lane l's chapter of len blocks. */
        for (size_t len = 1; len <= sg->maxlen && i0 + len <= sg->n; len++)
            for (size_t l = 0; l < lanes && i0 + l + len <= sg->n; l++) {
                const block *b = &t->blocks[i0 + l + len - 1];
                uint32_t *cnt = count + l * V;
                double sum = c[l];
                size_t m = seen[l];
                for (uint32_t k = b->from; k < b->to; k++)
                    sum += lg_seen[m++] - lg_count[cnt[t->tk->v[k].term]++];
                c[l] = sum;
                seen[l] = m;
                sg->cost[(i0 + l + len) * sg->maxlen + len - 1] = sum;
            }
        /* Counts back to zero: the whole row when that is less work. */
        for (size_t l = 0; l < lanes; l++) {
            size_t last = i0 + l + sg->maxlen < sg->n ? i0 + l + sg->maxlen : sg->n;
            uint32_t from = t->blocks[i0 + l].from, to = t->blocks[last - 1].to;
            if (V <= (size_t)(to - from))
                memset(count + l * V, 0, V * sizeof(*count));
            else
                for (uint32_t k = from; k < to; k++)
                    count[l * V + t->tk->v[k].term] = 0;
        }
    }
    free(lg_count);
    free(lg_seen);
    free(count);
    return rc;
}

/* Chapter s (1..k) may end at blocks lo..hi: the chapters before and
 * after it must fit the length bounds, and its end stays within band of
 * where evenly spaced chapters would end. */
static void end_range(const segmenter *sg, size_t s, size_t band, size_t *lo, size_t *hi)
{
    size_t n = sg->n, k = sg->k, even = s * n / k;
    *lo = s * sg->minlen;
    *hi = s * sg->maxlen < n ? s * sg->maxlen : n;
    if ((k - s) * sg->maxlen < n && n - (k - s) * sg->maxlen > *lo)
        *lo = n - (k - s) * sg->maxlen;
    if (n - (k - s) * sg->minlen < *hi)
        *hi = n - (k - s) * sg->minlen;
    if (even > band && even - band > *lo)
        *lo = even - band;
    if (even + band < *hi)
        *hi = even + band;
}

/*
 * The least cost of chapters ending at block j whose last one is lo_len
 * to hi_len blocks long: prev[i] + cost of blocks i..j-1 - bonus[i] at
 * best; *best gets that i (of the shortest last chapter on a tie, 0 when
 * none is finite).  The candidates go to way[] first and their minimum is
 * taken four at a time, then the first that has it is found: the same
 * choice as one running minimum, without a chain of compares.
 */
static double best_start(const double *prev, const double *bonus, const double *cost,
                         size_t j, size_t lo_len, size_t hi_len, double *way,
                         uint32_t *best)
{
    double m[4] = { INFINITY, INFINITY, INFINITY, INFINITY };
    size_t len = lo_len;
    for (; len <= hi_len; len++)
        way[len] = prev[j - len] + cost[len - 1] - bonus[j - len];
    for (len = lo_len; len + 3 <= hi_len; len += 4)
        for (size_t l = 0; l < 4; l++)
            m[l] = way[len + l] < m[l] ? way[len + l] : m[l];
    for (; len <= hi_len; len++)
        m[0] = way[len] < m[0] ? way[len] : m[0];
    double here = m[0];
    for (size_t l = 1; l < 4; l++)
        here = m[l] < here ? m[l] : here;
    *best = 0;
    if (here == INFINITY)
        return here;
    for (len = lo_len; way[len] != here; len++)
        ;
    *best = (uint32_t)(j - len);
    return here;
}

/*
 * The k chapters of least total cost, by dynamic programming; writes the
 * first block of each to starts (starts[0] is 0).  Exact while k x blocks
 * x the longest chapter stays under DP_BUDGET steps; beyond, each border
 * keeps within a band of its evenly spaced place (at least two chapters
 * wide), so that the work and memory grow linearly with the transcript.
 */
static int best_split(const segmenter *sg, const text *t, uint32_t *starts)
{
    size_t n = sg->n, k = sg->k, lo_len = sg->minlen, hi_len = sg->maxlen;
    size_t band = DP_BUDGET / (k * hi_len), avg = n / k + 1, total = 0;
    if (band < 2 * avg)
        band = 2 * avg;
    double *prev = malloc((n + 1) * sizeof(double)), *cur = malloc((n + 1) * sizeof(double));
    double *bonus = malloc((n + 1) * sizeof(double));
    double *way = malloc((hi_len + 1) * sizeof(double));
    size_t *at = malloc((k + 2) * sizeof(size_t)), *first = malloc((k + 1) * sizeof(size_t));
    int rc = prev && cur && bonus && way && at && first ? 0 : -ENOMEM;

    /* from[] holds, for each chapter s, where chapter s starts when it
     * ends at block j, for j in its range only. */
    for (size_t s = 1; rc == 0 && s <= k; s++) {
        size_t lo, hi;
        end_range(sg, s, band, &lo, &hi);
        first[s] = lo;
        at[s] = total;
        total += hi >= lo ? hi - lo + 1 : 0;
    }
    uint32_t *from = rc == 0 ? malloc((total + 1) * sizeof(uint32_t)) : NULL;
    if (rc == 0 && from == NULL)
        rc = -ENOMEM;
    for (size_t i = 0; rc == 0 && i <= n; i++) {
        prev[i] = i == 0 ? 0 : INFINITY;
        cur[i] = INFINITY;
        bonus[i] = i > 0 && i < n && t->blocks[i].question ? QUESTION_BONUS : 0;
    }
    for (size_t s = 1; rc == 0 && s <= k; s++) {
        size_t lo, hi;
        end_range(sg, s, band, &lo, &hi);
        for (size_t j = lo; j <= hi; j++) {
            uint32_t best = 0;
            cur[j] = best_start(prev, bonus, &sg->cost[j * hi_len], j, lo_len,
                                hi_len < j ? hi_len : j, way, &best);
            from[at[s] + j - lo] = best;
        }
        /* The previous row's range is all that was set: clear it. */
        if (s > 1) {
            size_t plo, phi;
            end_range(sg, s - 1, band, &plo, &phi);
            for (size_t j = plo; j <= phi; j++)
                prev[j] = INFINITY;
        } else {
            prev[0] = INFINITY;
        }
        double *swap = prev;
        prev = cur;
        cur = swap;
    }
    if (rc == 0 && prev[n] == INFINITY)
        rc = -EINVAL;
    for (size_t s = k, j = n; rc == 0 && s > 0; s--) {
        j = from[at[s] + j - first[s]];
        starts[s - 1] = (uint32_t)j;
    }
    free(prev);
    free(cur);
    free(bonus);
    free(way);
    free(at);
    free(first);
    free(from);
    return rc;
}

/* ---- titles -------------------------------------------------------------------------- */

/* How many frequent phrases of each chapter compete for its title. */
#define CANDIDATES 8

/* A frequent phrase of a chapter. */
typedef struct candidate {
    uint32_t term[PHRASE_MAX];
    uint32_t n, count, chapters;    /* chapters: how many have it as a candidate */
    const char *surface;
    uint32_t surface_len;
} candidate;

/* Gives the sentences of chapter c to phrases_add(), or to phrases_vote(). */
static int each_sentence(phrases *pt, const text *t, const uint32_t *starts,
                         size_t k, size_t c, bool vote)
{
    size_t from = t->blocks[starts[c]].sentence;
    size_t to = c + 1 < k ? t->blocks[starts[c + 1]].sentence : t->ss->n;
    for (size_t i = from; i < to; i++) {
        const token *tok = t->tk->v + t->first[i];
        size_t n = t->first[i + 1] - t->first[i];
        const char *s = sentence_text(t->ss, i);
        if ((vote ? phrases_vote(pt, tok, n, s, false)
                  : phrases_add(pt, tok, n, 1.0, false)) != 0)
            return -ENOMEM;
    }
    return 0;
}

/*
 * Chapter c's CANDIDATES most frequent phrases (count x words; said twice
 * at least when any is), none part of another.  Returns how many.
 */
static long chapter_candidates(phrases *local, const text *t, const uint32_t *starts,
                               size_t k, size_t c, double **score, candidate *out)
{
    uint32_t picked[CANDIDATES];
    long n = 0;

    phrases_reset(local);
    for (uint32_t len = 1; len <= PHRASE_MAX; len++)
        if (phrases_pass(local, len) != 0 || each_sentence(local, t, starts, k, c, false) != 0)
            return -ENOMEM;
    if (phrases_finish(local) != 0)
        return -ENOMEM;
    double *grown = realloc(*score, (local->n + 1) * sizeof(**score));
    if (grown == NULL)
        return -ENOMEM;
    *score = grown;
    for (uint32_t min_count = 2; n == 0 && min_count >= 1; min_count--) {
        for (size_t p = 0; p < local->n; p++)
            grown[p] = local->v[p].count >= min_count
                           ? (double)local->v[p].count * local->v[p].n : 0;
        n = phrases_pick(local, grown, CANDIDATES, picked);
        if (n < 0)
            return n;
    }
    phrases_vote_begin(local, picked, (size_t)n);
    if (each_sentence(local, t, starts, k, c, true) != 0)
        return -ENOMEM;
    for (long i = 0; i < n; i++) {
        const phrase *ph = &local->v[picked[i]];
        out[i] = (candidate){ .n = ph->n, .count = ph->count, .surface = ph->surface,
                              .surface_len = ph->surface_len };
        memcpy(out[i].term, ph->term, sizeof(out[i].term));
    }
    return n;
}

/* In how many chapters each candidate is a candidate too: a table keyed
 * by the candidates' terms counts them. */
static int count_chapters(candidate *cand, const long *ncand, size_t k)
{
    strtab seen = { 0 };
    int rc = 0;
    for (int round = 0; round < 2 && rc == 0; round++)
        for (size_t c = 0; c < k && rc == 0; c++)
            for (long i = 0; i < ncand[c]; i++) {
                candidate *x = &cand[c * CANDIDATES + i];
                uint32_t id = strtab_intern(&seen, (const char *)x->term,
                                            x->n * sizeof(x->term[0]), 0, NULL);
                if (id == STRTAB_NONE) {
                    rc = -ENOMEM;
                    break;
                }
                if (round == 0)
                    seen.v[id].value++;
                else
                    x->chapters = seen.v[id].value;
            }
    strtab_free(&seen);
    return rc;
}

/*
 * "Key phrase, other phrase": the candidates frequent in this chapter and
 * rare as candidates of the others (count x words x ln(1 + k / chapters)),
 * first letter capital.
 */
static int write_title(td_buf *title, candidate *cand, long n, size_t want,
                       size_t k, size_t chapter)
{
    td_buf_reset(title);
    if (n == 0)
        return td_buf_printf(title, "Part %zu", chapter + 1);
    for (size_t w = 0; w < want && w < (size_t)n; w++) {
        long best = -1;
        double best_score = 0;
        for (long i = 0; i < n; i++) {
            double sc = (double)cand[i].count * cand[i].n *
                        log(1.0 + (double)k / cand[i].chapters);
            if (cand[i].surface != NULL && (best < 0 || sc > best_score)) {
                best = i;
                best_score = sc;
            }
        }
        if ((w > 0 && td_buf_append(title, ", ", 2) != 0) ||
            td_buf_append(title, cand[best].surface, cand[best].surface_len) != 0)
            return -ENOMEM;
        cand[best].surface = NULL;
    }
    int32_t cp;
    int len = td_utf8_decode(title->data, title->len, &cp);
    char up[4];
    if (len > 0 && td_utf8_encode(utf8proc_toupper(cp), up) == len)
        memcpy(title->data, up, (size_t)len);
    return 0;
}

static int add_chapters(const chapters_state *st, td_doc *doc, const text *t,
                        const uint32_t *starts, size_t k)
{
    phrases local;
    td_buf title = TD_BUF_INIT;
    candidate *cand = malloc(k * CANDIDATES * sizeof(*cand));
    long *ncand = calloc(k, sizeof(*ncand));
    double *score = NULL;
    int rc = cand && ncand ? 0 : -ENOMEM;

    phrases_init(&local, PHRASE_MAX);
    for (size_t c = 0; rc == 0 && c < k; c++) {
        ncand[c] = chapter_candidates(&local, t, starts, k, c, &score,
                                      cand + c * CANDIDATES);
        if (ncand[c] < 0)
            rc = -ENOMEM;
    }
    if (rc == 0)
        rc = count_chapters(cand, ncand, k);
    for (size_t c = 0; rc == 0 && c < k; c++) {
        rc = write_title(&title, cand + c * CANDIDATES, ncand[c],
                         (size_t)st->title_phrases, k, c);
        if (rc == 0)
            rc = td_doc_add_chapter(doc, t->ss->v[t->blocks[starts[c]].sentence].start,
                                    title.data, title.len);
    }
    free(score);
    free(cand);
    free(ncand);
    td_buf_free(&title);
    phrases_free(&local);
    return rc;
}

static int segment(const chapters_state *st, td_doc *doc, text *t)
{
    segmenter sg = { .n = t->nblocks, .k = chapter_count(st, doc, t) };
    if (sg.k > sg.n / 2)
        sg.k = sg.n / 2;
    if (sg.k < 2)
        return 0;
    /* A chapter is at most MAX_CHAPTER_BLOCKS long: few long chapters
     * asked of a long transcript become more, shorter ones. */
    if (sg.k * MAX_CHAPTER_BLOCKS * 2 < 5 * sg.n)
        sg.k = 5 * sg.n / (2 * MAX_CHAPTER_BLOCKS) + 1;
    sg.maxlen = 5 * sg.n / (2 * sg.k) + 1;
    if (sg.maxlen > sg.n)
        sg.maxlen = sg.n;
    sg.minlen = sg.n / (4 * sg.k) > 1 ? sg.n / (4 * sg.k) : 1;

    uint32_t *starts = malloc(sg.k * sizeof(*starts));
    int rc = starts ? chapter_costs(&sg, t) : -ENOMEM;
    if (rc == 0)
        rc = best_split(&sg, t, starts);
    if (rc == 0)
        rc = add_chapters(st, doc, t, starts, sg.k);
    if (rc == 0)
        td_doc_count_change(doc, "found", (long)sg.k);
    free(sg.cost);
    free(starts);
    return rc;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    chapters_state *st = state;
    text t = { 0 };

    if (st->keep_source && td_doc_chapter_count(doc) > 0) {
        td_doc_count_change(doc, "kept", (long)td_doc_chapter_count(doc));
        return 0;
    }
    if (st->keep_source) {
        long n = chapters_from_headings(doc);
        if (n != 0) {
            td_doc_count_change(doc, "from_headings", n);
            return n < 0 ? td_error_set(err, "out of memory") : 0;
        }
    }
    td_doc_clear_chapters(doc);
    doc_words *w = analysis_words(doc, &st->text);
    int rc = w ? 0 : -ENOMEM;
    if (rc == 0 && w->ss->n > 0) {
        t.ss = w->ss;
        t.tk = &w->tk;
        t.first = w->first;
        t.terms = lexicon_term_count(w->lx);
        rc = make_blocks(&t);
        if (rc == 0)
            rc = segment(st, doc, &t);
    }
    free(t.blocks);
    return rc ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin chapters = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "chapters",
    .version = "1.0",
    .summary = "chapters: the source's headings, else topic segmentation titled by key phrases",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(chapters)
