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
    stopwords stop;
    char language[32];
    size_t count;
    uint32_t max_words;
} keywords_state;

static const td_option options[] = {
    { "count", TD_OPT_INT, "10", "how many key phrases to keep" },
    { "max_words", TD_OPT_INT, "3", "the longest key phrase, in words (1 to 3)" },
    { "stopwords", TD_OPT_STRING, "conf/stopwords-en.txt", "the stop-word list" },
    { "language", TD_OPT_STRING, "english", "the Snowball stemmer (libstemmer name)" },
    { NULL },
};

static int init(void **state, const td_options *opts, td_error *err)
{
    const char *language = td_opt_string(opts, "language");
    long long count = td_opt_int(opts, "count"), max = td_opt_int(opts, "max_words");

    if (count < 1 || max < 1 || max > PHRASE_MAX)
        return td_error_set(err, "count must be positive and max_words 1 to %d",
                            PHRASE_MAX);
    if (lexicon_check_language(language, err) != 0)
        return -1;
    keywords_state *st = calloc(1, sizeof(*st));
    if (st == NULL)
        return td_error_set(err, "out of memory");
    snprintf(st->language, sizeof(st->language), "%s", language);
    st->count = (size_t)count;
    st->max_words = (uint32_t)max;
    if (stopwords_load(&st->stop, td_opt_path(opts, "stopwords"), err) != 0) {
        free(st);
        return -1;
    }
    *state = st;
    return 0;
}

static void fini(void *state)
{
    keywords_state *st = state;
    stopwords_free(&st->stop);
    free(st);
}

/* Occurrences weigh 2 at the start, down to 1 at a tenth of the talk. */
static double position_weight(size_t i, size_t n)
{
    double early = n / 10.0 > 5 ? n / 10.0 : 5;
    return i < early ? 2.0 - (double)i / early : 1.0;
}

/* Counts the phrases of one piece of text. */
static int count_text(lexicon *lx, phrases *pt, tokens *tk, const char *text,
                      size_t len, double weight, bool title)
{
    tk->n = 0;
    if (lexicon_tokenize(lx, text, len, tk) != 0)
        return -ENOMEM;
    return phrases_add(pt, tk->v, tk->n, text, weight, 0, title);
}

/* The title, the headings and the chapter titles: what the author stressed. */
static int count_titles(const td_doc *doc, lexicon *lx, phrases *pt, tokens *tk)
{
    const char *title = td_doc_title(doc);
    int rc = title ? count_text(lx, pt, tk, title, strlen(title), 2.0, true) : 0;
    for (size_t i = 0; rc == 0 && i < td_doc_segment_count(doc); i++) {
        const td_segment *s = td_doc_segment(doc, i);
        size_t len;
        const char *text = td_segment_text(s, &len);
        if (td_segment_kind(s) == TD_SEG_HEADING)
            rc = count_text(lx, pt, tk, text, len, 2.0, true);
    }
    for (size_t i = 0; rc == 0 && i < td_doc_chapter_count(doc); i++) {
        const char *t = td_doc_chapter_title(doc, i);
        rc = count_text(lx, pt, tk, t, strlen(t), 2.0, true);
    }
    return rc;
}

static int add_keywords(td_doc *doc, const phrases *pt, size_t max)
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
    doc_words *w = analysis_words(doc, &st->stop, st->language);
    tokens tk = { 0 };
    phrases pt;
    int rc = w ? 0 : -ENOMEM;

    phrases_init(&pt, st->max_words);
    if (rc == 0)
        rc = count_titles(doc, w->lx, &pt, &tk);
    for (size_t i = 0; rc == 0 && i < w->ss->n; i++)
        rc = phrases_add(&pt, w->tk.v + w->first[i], w->first[i + 1] - w->first[i],
                         sentence_text(w->ss, i), position_weight(i, w->ss->n), 0, false);
    if (rc == 0)
        rc = add_keywords(doc, &pt, st->count);
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
