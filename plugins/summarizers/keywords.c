/*
 * keywords.c - the key phrases of a transcript: one to three words,
 * Snowball-stemmed so that "volunteer" and "volunteering" count together,
 * shown as they are most often written, with scores from 0 to 1.
 *
 * A phrase scores its occurrences times its length in words, each
 * occurrence weighing up to twice as much in the first tenth of the talk
 * (where hosts say what it is about); phrases in the title or a heading
 * count double.  Picking then keeps a phrase whole: "open" and "source"
 * are not keywords of their own when "open source" is one.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/analysis.h"
#include "common/phrases.h"

typedef struct keywords_state {
    text_options text;
    size_t count;
    uint32_t max_words;
} keywords_state;

static const td_option options[] = {
    { "count", TD_OPT_INT, "10", "how many key phrases to keep" },
    { "max_words", TD_OPT_INT, "3", "the longest key phrase, in words (1 to 3)" },
    TEXT_OPTIONS,
    { NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    long long count = td_opt_int(opts, "count"), max = td_opt_int(opts, "max_words");

    if (count < 1 || max < 1 || max > PHRASE_MAX)
        return td_error_set(err, "count must be positive and max_words 1 to %d",
                            PHRASE_MAX);
    keywords_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    st->count = (size_t)count;
    st->max_words = (uint32_t)max;
    if (text_options_read(&st->text, opts, err) != 0) {
        free(st);
        return -1;
    }
    *state = st;
    return 0;
}

static void fini(void *state)
{
    keywords_state *st = state;
    text_options_free(&st->text);
    free(st);
}

/* Occurrences weigh 2 at the start, down to 1 at a tenth of the talk. */
static double position_weight(size_t i, size_t n)
{
    double early = n / 10.0 > 5 ? n / 10.0 : 5;
    return i < early ? 2.0 - (double)i / early : 1.0;
}

/*
 * The title, the headings and the chapter titles: what the author stressed.
 * Calls add() on each with the document's lexicon.
 */
static int each_title(const td_doc *doc, lexicon *lx, tokens *tk,
                      int (*add)(phrases *, const tokens *, const char *), phrases *pt)
{
    const char *title = td_doc_title(doc);
    size_t n = td_doc_segment_count(doc), chapters = td_doc_chapter_count(doc);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i <= n + chapters; i++) {
        const char *text = i == 0 ? title : NULL;
        size_t len = text ? strlen(text) : 0;
        if (i > 0 && i <= n) {
            const td_segment *s = td_doc_segment(doc, i - 1);
            if (td_segment_kind(s) == TD_SEG_HEADING)
                text = td_segment_text(s, &len);
        } else if (i > n) {
            text = td_doc_chapter_title(doc, i - n - 1);
            len = strlen(text);
        }
        if (text == NULL)
            continue;
        tk->n = 0;
        rc = lexicon_tokenize(lx, text, len, tk);
        if (rc == 0)
            rc = add(pt, tk, text);
    }
    return rc;
}

static int add_title(phrases *pt, const tokens *tk, const char *text)
{
    (void)text;
    return phrases_add(pt, tk->v, tk->n, 2.0, true);
}

static int vote_title(phrases *pt, const tokens *tk, const char *text)
{
    return phrases_vote(pt, tk->v, tk->n, text, true);
}

/* Counts phrases of each length in turn: the titles, then every sentence. */
static int count_all(const doc_words *w, td_doc *doc, phrases *pt, tokens *tk,
                     uint32_t max_words)
{
    int rc = 0;
    for (uint32_t n = 1; rc == 0 && n <= max_words; n++) {
        rc = phrases_pass(pt, n);
        if (rc == 0)
            rc = each_title(doc, w->lx, tk, add_title, pt);
        for (size_t i = 0; rc == 0 && i < w->ss->n; i++)
            rc = phrases_add(pt, w->tk.v + w->first[i], w->first[i + 1] - w->first[i],
                             position_weight(i, w->ss->n), false);
    }
    return rc == 0 ? phrases_finish(pt) : rc;
}

static int add_keywords(td_doc *doc, const doc_words *w, phrases *pt, tokens *tk,
                        size_t max)
{
    double *score = calloc(pt->n ? pt->n : 1, sizeof(*score));
    uint32_t *picked = malloc(max * sizeof(*picked));
    long n = -ENOMEM;

    if (score && picked) {
        for (size_t i = 0; i < pt->n; i++) {
            const phrase *p = &pt->v[i];
            if (p->count >= 2)
                score[i] = sqrt(p->weight) * p->n * (p->in_title ? 2.0 : 1.0);
        }
        n = phrases_pick(pt, score, max, picked);
    }
    int rc = n < 0 ? -ENOMEM : 0;
    if (rc == 0) {
        phrases_vote_begin(pt, picked, (size_t)n);
        for (size_t i = 0; rc == 0 && i < w->ss->n; i++)
            rc = phrases_vote(pt, w->tk.v + w->first[i], w->first[i + 1] - w->first[i],
                              sentence_text(w->ss, i), false);
        if (rc == 0)
            rc = each_title(doc, w->lx, tk, vote_title, pt);
    }
    double top = n > 0 ? score[picked[0]] : 1;
    for (long k = 0; rc == 0 && k < n; k++) {
        const phrase *p = &pt->v[picked[k]];
        rc = td_doc_add_keyword(doc, p->surface, p->surface_len, score[picked[k]] / top);
    }
    free(score);
    free(picked);
    return rc;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    keywords_state *st = state;
    doc_words *w = analysis_words(doc, &st->text);
    tokens tk = { 0 };
    phrases pt;
    int rc = w ? 0 : -ENOMEM;

    phrases_init(&pt, st->max_words);
    if (rc == 0)
        rc = count_all(w, doc, &pt, &tk, st->max_words);
    if (rc == 0)
        rc = add_keywords(doc, w, &pt, &tk, st->count);
    phrases_free(&pt);
    tokens_free(&tk);
    return rc ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin keywords = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_SUMMARIZER,
    .name = "keywords",
    .version = "1.0",
    .summary = "key phrases of one to three stemmed words, scored, as written most often",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(keywords)
