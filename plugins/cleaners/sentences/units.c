/*
 * units.c - words to units: where a unit breaks, and how it is written
 * (a capital, "I", a period) and appended as a segment.
 */
#include "sentences.h"

#include <limits.h>
#include <string.h>
#include <utf8proc.h>

/* Estimated silence after the line of word at if it is the line's last
 * word, else a large negative number. */
static inline long pause_after(const work *wk, size_t at)
{
    const word *w = &wk->w[at];
    long pause = wk->l[w->line].pause;      /* loaded anyway: no branch to mispredict */
    return w->flags & WORD_LINE_END ? pause : NO_PAUSE;
}

/* Scores of a break (higher is better): a pause of 1000 ms is worth 20. */
enum { SCORE_STARTER = 15, SCORE_NONFINAL = -1000, MS_PER_POINT = 50 };

/*
 * The best place to break the unit of words from..to, keeping at least
 * min_words on the left: the highest score, the latest of equals (longer
 * units).  A break scores its pause, a word after it that units start
 * with, and a word before it that no unit ends with (worse than any pause
 * is good: "and." ends no unit while another place can).  Walking from the
 * end, a place that cannot beat the best so far even with a starter after
 * it is passed without looking its words up.
 */
static size_t best_break(const work *wk, const stream *s, size_t from, size_t to)
{
    size_t best = to - 1;
    long best_score = LONG_MIN;
    size_t first = from + (size_t)wk->c->min_words - 1;
    for (size_t at = to; at-- > first;) {
        long pause = pause_after(wk, at);
        long score = pause > 0 ? pause / MS_PER_POINT : 0;
        if (score + SCORE_STARTER <= best_score)
            continue;
        if (at + 1 < s->end && (word_flags(wk, &wk->w[at + 1]) & WORD_STARTER))
            score += SCORE_STARTER;
        if (score <= best_score)
            continue;
        if (word_flags(wk, &wk->w[at]) & WORD_NONFINAL)
            score += SCORE_NONFINAL;
        if (score > best_score) {
            best_score = score;
            best = at;
        }
    }
    return best;
}

/* ---- writing the units ------------------------------------------------------------------- */

/* Capitalises the first letter of text from byte at; true if it changed. */
static bool capitalise(td_buf *b, size_t at)
{
    unsigned char c = (unsigned char)b->data[at];
    if (c < 0x80) {                     /* most units: no need to ask utf8proc */
        if (c < 'a' || c > 'z')
            return false;
        b->data[at] = (char)(c - 'a' + 'A');
        return true;
    }
    int32_t cp;
    int n = td_utf8_decode(b->data + at, b->len - at, &cp);
    if (n <= 0)
        return false;
    int32_t up = utf8proc_toupper(cp);
    char enc[4];
    if (up == cp || td_utf8_encode(up, enc) != n)
        return false;       /* the rare letter whose capital is longer stays */
    memcpy(b->data + at, enc, (size_t)n);
    return true;
}

/* Ends the unit with a period unless it ends a sentence already. */
static void end_with_period(work *wk)
{
    td_buf *b = &wk->text;
    unsigned char c = b->len > 0 ? (unsigned char)b->data[b->len - 1] : 0;
    if ((unsigned)((c | 0x20) - 'a') < 26 || (c >= '0' && c <= '9')) {
        /* Most units end with a word: nothing to strip, no sentence end. */
        wk->rc |= td_buf_putc(b, '.');
        wk->k.periods++;
        return;
    }
    while (b->len > 0 && strchr(",;:- ", b->data[b->len - 1]) != NULL)
        b->data[--b->len] = '\0';
    word last = { .p = b->data, .len = (uint32_t)b->len };
    const char *sp = memrchr(b->data, ' ', b->len);
    if (sp != NULL)
        last = (word){ .p = sp + 1, .len = (uint32_t)(b->len - (size_t)(sp + 1 - b->data)) };
    if (b->len == 0 || ends_sentence(&last) || b->data[b->len - 1] == '.')
        return;
    wk->rc |= td_buf_putc(b, '.');
    wk->k.periods++;
}

/*
 * Appends words at..end, all of line ln, to the unit's text after a space,
 * "i" written "I".  A line whose words are one space apart is copied as
 * one run of bytes.
 */
static void append_words(work *wk, const line *ln, size_t at, size_t end)
{
    td_buf *b = &wk->text;
    const word *first = &wk->w[at], *last = &wk->w[end - 1];
    if (b->len > 0)
        wk->rc |= td_buf_putc(b, ' ');
    size_t pos = b->len;
    if (ln->tight) {
        wk->rc |= td_buf_append(b, first->p, (size_t)(last->p + last->len - first->p));
    } else {
        for (const word *w = first; w <= last; w++) {
            if (w > first)
                wk->rc |= td_buf_putc(b, ' ');
            wk->rc |= td_buf_append(b, w->p, w->len);
        }
    }
    if (!ln->has_i || wk->rc != 0)
        return;
    for (const word *w = first; w <= last; w++) {
        if (w->flags & WORD_I) {
            b->data[ln->tight ? pos + (size_t)(w->p - first->p) : pos] = 'I';
            wk->k.capitals++;
        }
        pos += ln->tight ? 0 : w->len + 1;
    }
}

/* Appends the unit of words from..to as a segment: the words joined by
 * single spaces, a capital, a period. */
static void emit(work *wk, td_doc *doc, size_t from, size_t to)
{
    if (from >= to || wk->rc != 0)
        return;
    td_buf *b = &wk->text;
    td_buf_reset(b);
    for (size_t at = from; at < to;) {
        const line *ln = &wk->l[wk->w[at].line];
        size_t end = ln->first + ln->n < to ? ln->first + ln->n : to;
        append_words(wk, ln, at, end);
        at = end;
    }
    if (wk->rc != 0)
        return;
    wk->k.capitals += capitalise(b, 0);
    end_with_period(wk);
    const line *first = &wk->l[wk->w[from].line];
    const line *last = &wk->l[wk->w[to - 1].line];
    if (wk->rc == 0)
        wk->rc = td_doc_add_segment(doc, first->start, last->end, first->speaker,
                                    TD_SEG_SPEECH, b->data, b->len);
    wk->k.units++;
}

/* Appends a barrier segment again, as it was. */
static void copy_segment(work *wk, td_doc *doc, size_t seg)
{
    const td_segment *s = td_doc_segment(doc, seg);
    size_t len;
    const char *text = td_segment_text(s, &len);
    const char *label = td_segment_label(s);
    if (wk->rc != 0)
        return;
    wk->rc = td_doc_add_segment(doc, td_segment_start(s), td_segment_end(s),
                                td_segment_speaker(s), td_segment_kind(s), text, len);
    if (wk->rc == 0 && label != NULL)
        wk->rc = td_segment_set_label(doc, td_doc_segment(doc, td_doc_segment_count(doc) - 1),
                                      label);
}

/*
 * Cuts the words of lines first..last (no barrier among them, one
 * speaker) into units and appends them.
 */
static void cut_run(work *wk, td_doc *doc, const stream *s, bool punct)
{
    size_t from = s->begin;
    size_t limit = (size_t)wk->c->max_words * (punct ? 2 : 1);
    for (size_t at = s->begin; at < s->end && wk->rc == 0; at++) {
        word *w = &wk->w[at];
        size_t len = at - from + 1;
        bool end = punct ? (w->flags & WORD_ENDS) != 0
                         : (len >= (size_t)wk->c->min_words &&
                            pause_after(wk, at) >= wk->c->pause_ms &&
                            !(word_flags(wk, w) & WORD_NONFINAL));
        if (end) {
            emit(wk, doc, from, at + 1);
            from = at + 1;
        } else if (len >= limit) {
            size_t b = best_break(wk, s, from, at + 1);
            emit(wk, doc, from, b + 1);
            from = b + 1;
        }
    }
    emit(wk, doc, from, s->end);
}

/* Walks the lines: runs of speech by one speaker, and barriers between. */
void rebuild(work *wk, td_doc *doc, bool punct)
{
    stream s = { 0, 0 };
    int speaker = TD_NO_SPEAKER;
    for (size_t i = 0; i <= wk->nl && wk->rc == 0; i++) {
        const line *ln = i < wk->nl ? &wk->l[i] : NULL;
        bool flush = ln == NULL || ln->barrier || (ln->n > 0 && ln->speaker != speaker);
        if (flush && s.end > s.begin) {
            cut_run(wk, doc, &s, punct);
            s.begin = s.end;
        }
        if (ln == NULL)
            break;
        if (ln->barrier) {
            copy_segment(wk, doc, ln->seg);
            continue;
        }
        if (ln->n > 0) {
            speaker = ln->speaker;
            s.end = ln->first + ln->n;
        }
    }
}
