/*
 * words.c - caption lines to words, and lines YouTube showed again merged.
 */
#include "../common/space_bits.h"
#include "sentences.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Room for element n of the array v; on failure v stays and *rc is set. */
static void *grow(void *v, size_t *cap, size_t n, size_t size, int *rc)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 256;
    void *nv = realloc(v, c * size);
    if (nv == NULL) {
        *rc = -ENOMEM;
        return v;
    }
    *cap = c;
    return nv;
}

/* Room for n more elements in the array v; on failure v stays and *rc is set. */
static void *reserve(void *v, size_t *cap, size_t used, size_t n, size_t size, int *rc)
{
    if (used + n <= *cap)
        return v;
    size_t c = *cap ? *cap : 256;
    while (c < used + n)
        c *= 2;
    void *nv = realloc(v, c * size);
    if (nv == NULL) {
        *rc = -ENOMEM;
        return v;
    }
    *cap = c;
    return nv;
}

static bool same_word(const word *a, const word *b)
{
    size_t n = a->core;
    if (n != b->core)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(a->p[i]) != lower(b->p[i]))
            return false;
    return true;
}

static const char *const ABBREVIATIONS[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", NULL
};

/* Whether the word ends a sentence: . ? ! (perhaps before a closing quote),
 * but not an abbreviation, an initial or an ellipsis. */
bool ends_sentence(const word *w)
{
    size_t n = w->len;
    const char *p = w->p;
    unsigned char last = (unsigned char)p[n - 1];
    if ((last | 0x20) >= 'a' && (last | 0x20) <= 'z')
        return false;                                       /* most words */
    while (n > 0 && (p[n - 1] == '"' || p[n - 1] == '\'' || p[n - 1] == ')'))
        n--;
    if (n >= 3 && memcmp(p + n - 3, "\u201D", 3) == 0)    /* ” */
        n -= 3;
    else if (n >= 3 && memcmp(p + n - 3, "\u2019", 3) == 0)
        n -= 3;
    if (n == 0 || (p[n - 1] != '.' && p[n - 1] != '?' && p[n - 1] != '!'))
        return false;
    if (p[n - 1] != '.')
        return true;
    if (n >= 2 && p[n - 2] == '.')
        return false;                                       /* ... */
    if (n == 2 && isupper((unsigned char)p[0]))
        return false;                                       /* J. */
    for (size_t i = 0; ABBREVIATIONS[i]; i++)
        if (strlen(ABBREVIATIONS[i]) == n - 1 && strncasecmp(p, ABBREVIATIONS[i], n - 1) == 0)
            return false;
    return true;
}

static bool is_i_word(const char *p, size_t n)
{
    if (p[0] != 'i' || (n > 1 && p[1] != '\'' && (unsigned char)p[1] != 0xE2))
        return false;
    static const char *const forms[] = { "i", "i'm", "i've", "i'd", "i'll",
                                         "i\u2019m", "i\u2019ve", "i\u2019d", "i\u2019ll", NULL };
    for (size_t i = 0; forms[i]; i++)
        if (strlen(forms[i]) == n && memcmp(forms[i], p, n) == 0)
            return true;
    return false;
}

static word make_word(const char *p, size_t len, size_t at_line)
{
    word w = { .p = p, .len = (uint32_t)len, .core = (uint32_t)len, .line = (uint32_t)at_line };
    unsigned char last = (unsigned char)p[len - 1];
    /* Most words end with a letter: no punctuation, no sentence end. */
    if ((unsigned)((last | 0x20) - 'a') >= 26) {
        w.core = (uint32_t)core_len(&w);
        if (ends_sentence(&w))
            w.flags |= WORD_ENDS;
    }
    if (p[0] == 'i' && is_i_word(p, w.core))
        w.flags |= WORD_I;
    return w;
}

/* Appends word t[i..j) of line ln. */
static inline void add_word(work *wk, line *ln, const char *t, size_t i, size_t j)
{
    if (wk->nw > ln->first && t + i != wk->w[wk->nw - 1].p + wk->w[wk->nw - 1].len + 1)
        ln->tight = false;
    word *w = &wk->w[wk->nw++];
    *w = make_word(t + i, j - i, wk->nl);
    ln->has_i |= (w->flags & WORD_I) != 0;
    if (w->flags & WORD_ENDS)
        ln->last_end = wk->nw - 1;
}

typedef struct adding {
    work *wk;
    line *ln;
    const char *t;
} adding;

static void added_word(void *ctx, size_t start, size_t end)
{
    const adding *a = ctx;
    add_word(a->wk, a->ln, a->t, start, end);
}

/* Appends the words of t[0..len), the text of line ln. */
static void add_words(work *wk, line *ln, const char *t, size_t len)
{
    wk->w = reserve(wk->w, &wk->capw, wk->nw, len / 2 + 1, sizeof(word), &wk->rc);
    if (wk->rc != 0)
        return;
    space_words(t, len, added_word, &(adding){ wk, ln, t });
}

void add_line(work *wk, const td_doc *doc, size_t seg)
{
    const td_segment *s = td_doc_segment(doc, seg);
    wk->l = grow(wk->l, &wk->capl, wk->nl, sizeof(line), &wk->rc);
    if (wk->rc != 0)
        return;
    line *ln = &wk->l[wk->nl];
    *ln = (line){ .start = td_segment_start(s), .end = td_segment_end(s),
                  .pause = NO_PAUSE, .speaker = td_segment_speaker(s),
                  .barrier = td_segment_kind(s) != TD_SEG_SPEECH, .tight = true,
                  .seg = seg, .first = wk->nw, .last_end = SIZE_MAX };
    size_t len;
    const char *t = td_segment_text(s, &len);
    if (!ln->barrier)
        add_words(wk, ln, t, len);
    ln->n = wk->nw - ln->first;
    if (ln->n > 0)
        wk->w[wk->nw - 1].flags |= WORD_LINE_END;
    wk->nl++;
}

/* ---- merging repeated lines ---------------------------------------------------------- */

/* Whether the last k words of line a are the first k words of line b. */
static bool tail_is_head(const work *wk, const line *a, const line *b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (!same_word(&wk->w[a->first + a->n - k + i], &wk->w[b->first + i]))
            return false;
    return true;
}

/*
 * The number of words line b repeats from the end of line a: the longest
 * run of at least overlap_words, or all of b (two words or more) when b
 * repeats the end of a whole.  0 when none.
 */
static size_t overlap(const work *wk, const line *a, const line *b)
{
    size_t most = a->n < b->n ? a->n : b->n;
    const word *head = &wk->w[b->first];
    char first = lower(head->p[0]);
    for (size_t k = most; k >= 2; k--) {
        const word *w = &wk->w[a->first + a->n - k];
        if (lower(w->p[0]) != first)
            continue;                   /* most lines: nothing repeated */
        if ((k >= (size_t)wk->c->overlap_words || k == b->n) && tail_is_head(wk, a, b, k))
            return k;
    }
    return 0;
}

void merge_repeats(work *wk)
{
    line *prev = NULL;
    for (size_t i = 0; i < wk->nl; i++) {
        line *ln = &wk->l[i];
        if (ln->barrier) {
            prev = NULL;
            continue;
        }
        if (ln->n == 0)
            continue;
        wk->k.lines++;
        size_t k = prev && prev->speaker == ln->speaker ? overlap(wk, prev, ln) : 0;
        if (k == ln->n) {
            /* The line shown again: the one before lasts until it goes. */
            wk->k.duplicates++;
            ln->n = 0;
            prev->end = ln->end;
            continue;
        }
        if (k > 0) {
            wk->k.overlaps++;
            ln->first += k;
            ln->n -= k;
        }
        prev = ln;
    }
}

/*
 * Drops the words merged away, so that those left are in order one after
 * the other, and estimates the pause after each line from what is left.
 */
void compact_words(work *wk)
{
    size_t to = 0;
    for (size_t i = 0; i < wk->nl; i++) {
        line *ln = &wk->l[i];
        if (ln->first != to)                    /* only after a merge */
            memmove(&wk->w[to], &wk->w[ln->first], ln->n * sizeof(word));
        ln->first = to;
        to += ln->n;
        ln->pause = ln->end == TD_TIME_UNKNOWN ? NO_PAUSE
                    : (long)(ln->end - ln->start) - (long)ln->n * wk->c->word_ms;
    }
    wk->nw = to;
}

bool punctuated(const work *wk)
{
    size_t lines = 0, ended = 0;
    for (size_t i = 0; i < wk->nl; i++) {
        const line *ln = &wk->l[i];
        if (ln->barrier || ln->n == 0)
            continue;
        lines++;
        /* Merges only drop the first words of a line. */
        ended += ln->last_end != SIZE_MAX && ln->last_end >= ln->first;
    }
    return lines > 0 && (double)ended >= wk->c->punctuated_share * (double)lines;
}
