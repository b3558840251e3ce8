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
    return w->flags & WORD_LINE_END ? wk->l[w->line].pause : NO_PAUSE;
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

/* Capitalises the first letter of text from byte at; true if it changed. */
static bool capitalise(td_buf *b, size_t at)
{
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
    while (b->len > 0 && strchr(",;:- ", b->data[b->len - 1]) != NULL)
        b->data[--b->len] = '\0';
    word last = { b->data, (uint32_t)b->len, 0 };
    const char *sp = memrchr(b->data, ' ', b->len);
    if (sp != NULL)
        last = (word){ sp + 1, (uint32_t)(b->len - (size_t)(sp + 1 - b->data)), 0 };
    if (b->len == 0 || ends_sentence(&last) || b->data[b->len - 1] == '.')
        return;
    wk->rc |= td_buf_putc(b, '.');
    wk->k.periods++;
}

/*
 * Appends the unit of words from..to as a segment.  Words that
 * follow each other in one caption line are copied as one run of bytes.
 */
static void emit(work *wk, td_doc *doc, size_t from, size_t to)
{
    if (from >= to || wk->rc != 0)
        return;
    td_buf *b = &wk->text;
    size_t total = to - from;                   /* the spaces, and a period */
    for (size_t at = from; at < to; at++)
        total += wk->w[at].len;
    td_buf_reset(b);
    if ((wk->rc = td_buf_reserve(b, total)) != 0)
        return;
    char *o = b->data;
    const word *run = &wk->w[from];
    const char *run_end = run->p + run->len;
    for (size_t at = from + 1; at <= to; at++) {
        const word *w = at < to ? &wk->w[at] : NULL;
        if (w != NULL && w->p == run_end + 1 && run_end[0] == ' ') {
            run_end = w->p + w->len;
            continue;
        }
        if (o > b->data)
            *o++ = ' ';
        memcpy(o, run->p, (size_t)(run_end - run->p));
        o += run_end - run->p;
        if (w != NULL) {
            run = w;
            run_end = w->p + w->len;
        }
    }
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    /* The text is the words joined by single spaces: "i" -> "I" in place. */
    for (size_t at = from, pos = 0; at < to; at++) {
        const word *w = &wk->w[at];
        if (w->p[0] == 'i' && is_i_word(w->p, core_len(w))) {
            b->data[pos] = 'I';
            wk->k.capitals++;
        }
        pos += w->len + 1;
    }
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
