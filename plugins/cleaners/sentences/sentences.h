/*
 * sentences.h - what the parts of the sentences cleaner share: its
 * configuration, and the work of one run (the words and caption lines of a
 * document, and the units cut from them).
 *
 *   sentences.c  the plugin: options, which documents, one run
 *   lexicon.c    word lists and the lexicon of starters and nonfinal words
 *   words.c      caption lines to words; repeated lines merged
 *   units.c      words to units: where they break, how they are written
 */
#ifndef TD_SENTENCES_H
#define TD_SENTENCES_H

#include "lexicon.h"

#include <pthread.h>

typedef struct scratch scratch;

typedef struct config {
    wordlist formats;
    lexicon words;
    long pause_ms, word_ms, max_words, min_words, overlap_words;
    double punctuated_share;
    /* Scratch arrays of finished runs, for the next (see struct scratch). */
    pthread_mutex_t lock;
    scratch *spare;
} config;

typedef struct word {
    const char *p;          /* in the segment's text (the document's arena) */
    uint32_t len;
    uint32_t core;          /* len without trailing punctuation (core_len) */
    uint32_t line;
    uint8_t flags;          /* WORD_* */
} word;

/* A pause_after() that is no pause at all. */
#define NO_PAUSE (-100000L)

typedef struct line {
    td_ms start, end;
    long pause;             /* estimated silence after it (compact_words) */
    int speaker;
    bool barrier;           /* an event or heading, kept as it is */
    bool tight;             /* its words one space apart: copied as one run */
    bool has_i;             /* a word of it is WORD_I */
    size_t seg;             /* its segment */
    size_t first, n;        /* its words still kept */
    size_t last_end;        /* its last word with WORD_ENDS, or SIZE_MAX */
} line;

typedef struct counts {
    long lines, duplicates, overlaps, units, periods, capitals;
} counts;

/*
 * The arrays one run works in.  Growing them for every document costs more
 * than the work itself (realloc, then the kernel's fresh pages), so a run
 * takes a scratch a finished run gave back, under the config's lock: each
 * of several concurrent runs has its own, and none is shared.
 */
struct scratch {
    scratch *next;
    word *w;
    size_t capw;
    line *l;
    size_t capl;
    td_buf text;
};

typedef struct work {
    const config *c;
    word *w;
    size_t nw, capw;
    line *l;
    size_t nl, capl;
    td_buf text;
    counts k;
    int rc;
} work;

/*
 * A run of words that cut_run() makes units of: words [begin, end) of the
 * work, which compact_words() left in order without the ones merged away.
 */
typedef struct stream {
    size_t begin, end;
} stream;

/* ---- words.c ---- */

/* Appends the words of segment seg as a caption line (or a barrier). */
void add_line(work *wk, const td_doc *doc, size_t seg);
/* Merges lines shown again; counts them in wk->k. */
void merge_repeats(work *wk);
/* Whether enough lines hold a sentence end (before compact_words). */
bool punctuated(const work *wk);
/* Drops merged words and estimates each line's pause. */
void compact_words(work *wk);
/* Whether the word ends a sentence: . ? ! but not "Dr." or "...". */
bool ends_sentence(const word *w);

static inline bool is_trailing_punct(char c)
{
    return c == '.' || c == ',' || c == '?' || c == '!' || c == ';' || c == ':';
}

/* The word without trailing punctuation, in bytes (word.core). */
static inline size_t core_len(const word *w)
{
    size_t n = w->len;
    while (n > 1 && is_trailing_punct(w->p[n - 1]))
        n--;
    return n;
}

/*
 * The word's flags with NONFINAL and STARTER, looked up the first time
 * they are asked for: most words are never a candidate for a break.
 */
static inline uint8_t word_flags(const work *wk, word *w)
{
    if (!(w->flags & WORD_LOOKED_UP))
        w->flags |= WORD_LOOKED_UP | lexicon_flags(&wk->c->words, w->p, w->core);
    return w->flags;
}

/* ---- units.c ---- */

/* Cuts the lines into units and appends them (and barriers) as segments. */
void rebuild(work *wk, td_doc *doc, bool punct);

#endif
