/*
 * sentences.c - rebuilds sentences from caption dumps, which cut speech
 * every few words wherever the screen was full.
 *
 * Punctuated captions are split at sentence ends; each sentence starts at
 * the time of the line it starts in and ends with the line it ends in.
 * Lowercase captions without punctuation (automatic captions) are cut into
 * units at pauses and, when a unit grows past max_words, at the best break
 * in it; each unit then gets a capital, "I" for "i", and a period.  Lines
 * that repeat the one before (YouTube shows a line again when it scrolls)
 * are merged first.
 *
 * Only caption-like documents are touched: a format in the formats option,
 * or no speakers and many short timed segments.  Chats and turns are left
 * alone.  Events and headings stay where they are and end a unit, and so
 * does a change of speaker.
 *
 * Pauses: caption times have a resolution of one second, so the silence
 * after a line is estimated as the time to the next line minus the time
 * its words take (word_ms each).
 */
#include "sentences.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Words per segment at most for a document without a known format to be
 * taken for captions, and segments at least. */
#define CAPTION_WORDS 12
#define CAPTION_SEGMENTS 20

static const td_option options[] = {
    { "formats", TD_OPT_LIST, "captions",
      "document formats always treated as captions" },
    { "pause", TD_OPT_INT, "1000",
      "milliseconds of estimated silence after a line that end a unit (unpunctuated)" },
    { "word_ms", TD_OPT_INT, "300",
      "milliseconds one spoken word takes, to estimate pauses" },
    { "max_words", TD_OPT_INT, "30",
      "longest unit (unpunctuated; twice this for punctuated sentences)" },
    { "min_words", TD_OPT_INT, "4", "shortest unit a pause or a break may end" },
    { "overlap_words", TD_OPT_INT, "3",
      "a line starting with at least this many words that end the line before "
      "repeats them: they are merged" },
    { "punctuated_share", TD_OPT_DOUBLE, "0.2",
      "share of lines with a sentence end (. ? !) from which captions count as punctuated" },
    { "starters", TD_OPT_LIST, "so and but okay yeah now then because well um uh actually also",
      "words a unit likes to start with" },
    { "nonfinal", TD_OPT_LIST,
      "the a an to of and or but with for in on at from my your our their his her its "
      "is are was were be this that i i'm we you they it's very if than as by about "
      "into like just really kind sort going want um uh",
      "words a unit never ends with" },
    { NULL, 0, NULL, NULL },
};

static void scratch_free_all(config *c)
{
    while (c->spare != NULL) {
        scratch *s = c->spare;
        c->spare = s->next;
        free(s->w);
        free(s->l);
        td_buf_free(&s->text);
        free(s);
    }
}

static void fini(void *state)
{
    config *c = state;
    if (c == NULL)
        return;
    scratch_free_all(c);
    pthread_mutex_destroy(&c->lock);
    wordlist_free(&c->formats);
    lexicon_free(&c->words);
    free(c);
}

static int init(void **state, const td_options *opts, td_error *err)
{
    config *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return td_error_set(err, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    c->pause_ms = td_opt_int(opts, "pause");
    c->word_ms = td_opt_int(opts, "word_ms");
    c->max_words = td_opt_int(opts, "max_words");
    c->min_words = td_opt_int(opts, "min_words");
    c->overlap_words = td_opt_int(opts, "overlap_words");
    c->punctuated_share = td_opt_double(opts, "punctuated_share");
    if (wordlist_parse(&c->formats, td_opt_string(opts, "formats")) != 0) {
        fini(c);
        return td_error_set(err, "out of memory");
    }
    if (lexicon_build(&c->words, opts, err) != 0) {
        fini(c);
        return -1;
    }
    if (c->min_words < 1 || c->max_words < c->min_words + 1 || c->overlap_words < 1) {
        fini(c);
        return td_error_set(err, "need 1 <= min_words < max_words and overlap_words >= 1");
    }
    *state = c;
    return 0;
}

/* ---- scratch space ---------------------------------------------------------------- */

/* Starts a run's work with a spare scratch's arrays, if there is one. */
static void work_start(work *wk, config *c)
{
    pthread_mutex_lock(&c->lock);
    scratch *s = c->spare;
    if (s != NULL)
        c->spare = s->next;
    pthread_mutex_unlock(&c->lock);
    *wk = (work){ .c = c, .text = TD_BUF_INIT };
    if (s == NULL)
        return;
    wk->w = s->w, wk->capw = s->capw;
    wk->l = s->l, wk->capl = s->capl;
    wk->text = s->text;
    free(s);
}

/* Gives the run's arrays back for the next run. */
static void work_end(work *wk, config *c)
{
    scratch *s = malloc(sizeof(*s));
    if (s == NULL) {
        free(wk->w);
        free(wk->l);
        td_buf_free(&wk->text);
        return;
    }
    *s = (scratch){ NULL, wk->w, wk->capw, wk->l, wk->capl, wk->text };
    pthread_mutex_lock(&c->lock);
    s->next = c->spare;
    c->spare = s;
    pthread_mutex_unlock(&c->lock);
}

/* ---- which documents -------------------------------------------------------------- */

static bool caption_like(const config *c, const td_doc *doc)
{
    const char *format = td_doc_format(doc);
    if (format && wordlist_has(&c->formats, format, strlen(format)))
        return true;
    size_t n = td_doc_segment_count(doc), speech = 0, words = 0;
    if (td_doc_speaker_count(doc) > 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) != TD_SEG_SPEECH)
            continue;
        if (td_segment_start(s) == TD_TIME_UNKNOWN)
            return false;
        size_t len;
        const char *t = td_segment_text(s, &len);
        words += td_text_word_count(t, len);
        speech++;
    }
    return speech >= CAPTION_SEGMENTS && words <= speech * CAPTION_WORDS;
}

static void report(td_doc *doc, const counts *k, bool punct)
{
    td_doc_count_change(doc, "lines", k->lines);
    td_doc_count_change(doc, punct ? "sentences" : "units", k->units);
    td_doc_count_change(doc, "duplicates", k->duplicates);
    td_doc_count_change(doc, "overlaps", k->overlaps);
    td_doc_count_change(doc, "periods", k->periods);
    td_doc_count_change(doc, "capitals", k->capitals);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    config *c = state;
    work wk;
    size_t n = td_doc_segment_count(doc);

    if (n == 0 || !caption_like(c, doc))
        return 0;
    work_start(&wk, c);
    for (size_t i = 0; i < n && wk.rc == 0; i++)
        add_line(&wk, doc, i);
    bool punct = false;
    if (wk.rc == 0) {
        merge_repeats(&wk);
        punct = punctuated(&wk);
        compact_words(&wk);
        rebuild(&wk, doc, punct);
    }
    if (wk.rc == 0)
        wk.rc = td_doc_remove_segments(doc, 0, n);
    work_end(&wk, c);
    if (wk.rc != 0)
        return td_error_set(err, "out of memory");
    report(doc, &wk.k, punct);
    return 0;
}

static const td_plugin sentences = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_CLEANER,
    .name = "sentences",
    .version = "1.0",
    .summary = "caption dumps -> sentences (punctuated) or units cut at pauses (unpunctuated)",
    .options = options,
    .init = init,
    .fini = fini,
    .run = run,
};

TD_PLUGIN_DEFINE(sentences)
