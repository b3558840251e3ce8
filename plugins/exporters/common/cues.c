/*
 * cues.c - see cues.h.
 */
#include "cues.h"

#include "event_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reading speed for cues whose end the source does not give. */
#define CHARS_PER_SECOND 15
/* Slower than this, a segment's time is mostly silence. */
#define SLOW_CPS 3

/* A timed segment about to become cues. */
typedef struct unit {
    size_t seg;
    td_ms start, end;       /* end: as given, or TD_TIME_UNKNOWN */
    int speaker;
} unit;

/* Code points in s[0..len). */
static size_t chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/*
 * Where to break s[0..len) into two lines: the byte offset of the second
 * line, 0 for one line.  Prefers two lines within the limit, then the most
 * even ones, then a break after punctuation.
 */
static size_t line_break(const char *s, size_t len, int line_chars)
{
    size_t total = chars(s, len), best = 0, left = 0;
    long best_cost = -1;

    if (total <= (size_t)line_chars)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') {
            size_t right = total - left - 1;
            long longest = (long)(left > right ? left : right);
            long cost = longest;
            if (left > (size_t)line_chars || right > (size_t)line_chars)
                cost += 1000000;
            if (i > 0 && strchr(",.;:?!", s[i - 1]))
                cost -= 4;
            if (best_cost < 0 || cost < best_cost) {
                best_cost = cost;
                best = i + 1;
            }
        }
        left += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return best;
}

static bool fits(const char *s, size_t len, const cue_limits *lim)
{
    size_t total = chars(s, len);
    if (total <= (size_t)lim->line_chars)
        return true;
    if (lim->max_lines < 2)
        return false;
    size_t b = line_break(s, len, lim->line_chars);
    return b > 0 && chars(s, b - 1) <= (size_t)lim->line_chars &&
           chars(s + b, len - b) <= (size_t)lim->line_chars;
}

static td_ms reading_time(size_t nchars, const cue_limits *lim)
{
    td_ms t = (td_ms)nchars * 1000 / CHARS_PER_SECOND;
    return t < lim->min_ms ? lim->min_ms : t > lim->max_ms ? lim->max_ms : t;
}

static int push_cue(cue_list *l, td_ms start, td_ms end, int speaker,
                    size_t off, size_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        cue *v = realloc(l->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (cue){ .start = start, .end = end, .speaker = speaker,
                          .off = off, .len = len };
    return 0;
}

static bool sentence_end(const char *w, size_t len)
{
    return len > 0 && strchr(".?!", w[len - 1]) != NULL;
}

static bool clause_end(const char *w, size_t len)
{
    return len > 0 && strchr(",;:", w[len - 1]) != NULL;
}

/*
 * Cuts the words in l->text[from..] (one space apart) into cues over
 * [start, end).  A readable whole stays one cue; otherwise pieces of about
 * `target` bytes, each shown for its share of the time, at most max_ms.
 */
static int cut(cue_list *l, size_t from, td_ms start, td_ms end, int speaker,
               const cue_limits *lim)
{
    const char *w = l->text.data;
    size_t len = l->text.len - from, nwords = 1;
    td_ms dur = end - start;

    for (size_t i = from; i < l->text.len; i++)
        nwords += w[i] == ' ';
    size_t n_time = (size_t)((dur + lim->max_ms - 1) / lim->max_ms);
    if (fits(w + from, len, lim) && n_time <= 1)
        return push_cue(l, start, end, speaker, from, len);

    /*
     * As many pieces as the text needs, or as the time needs when the words
     * fill it: three words a cue at least, and a pace of SLOW_CPS at least
     * (below that the time is mostly silence: the words are shown once,
     * for max_ms at most, rather than spread thin over it).
     */
    size_t cap = (size_t)lim->line_chars * (size_t)lim->max_lines;
    size_t nchars = chars(w + from, len);
    size_t n = (nchars + cap - 1) / cap;
    size_t n_words = nwords / 3;
    size_t n_split = n_time < n_words ? n_time : n_words;
    if ((td_ms)nchars * 1000 < SLOW_CPS * dur)
        n_split = 0;
    if (n_split > n)
        n = n_split;
    size_t target = (len + n - 1) / (n ? n : 1);

    size_t p = from;
    while (p < l->text.len) {
        size_t q = p, last_end = p;
        while (q < l->text.len) {
            const char *sp = memchr(w + q, ' ', l->text.len - q);
            size_t we = sp ? (size_t)(sp - w) : l->text.len;
            if (q > p && !fits(w + p, we - p, lim))
                break;
            last_end = we;
            q = we < l->text.len ? we + 1 : we;
            size_t got = last_end - p;
            if (q >= l->text.len)
                break;
            /* A short rest is better joined to this piece than left alone. */
            if ((l->text.len - q) * 3 < target)
                continue;
            if (got >= target ||
                (got * 2 >= target && sentence_end(w + p, got)) ||
                (got * 3 >= target * 2 && clause_end(w + p, got)))
                break;
        }
        /* A cut shares its instant: the next piece starts as this ends. */
        size_t at = p > from ? p - 1 : from;
        td_ms s = start + (td_ms)((double)dur * (double)(at - from) / (double)len);
        td_ms e = last_end >= l->text.len ? end
                  : start + (td_ms)((double)dur * (double)(last_end - from) / (double)len);
        if (e - s > lim->max_ms)
            e = s + lim->max_ms;
        if (push_cue(l, s, e, speaker, p, last_end - p) != 0)
            return -ENOMEM;
        p = last_end < l->text.len ? last_end + 1 : last_end;
    }
    return 0;
}

/* Appends a segment's words, one space apart, to the cue text. */
static int append_words(cue_list *l, const td_doc *doc, const unit *u,
                        bool label, size_t *label_len)
{
    const td_segment *s = td_doc_segment(doc, u->seg);
    size_t from = l->text.len, len;
    const char *t = td_segment_text(s, &len);
    int rc = td_buf_reserve(&l->text, len + 2);

    if (from)
        rc |= td_buf_putc(&l->text, ' ');
    size_t before = l->text.len;
    if (label)
        rc |= td_buf_printf(&l->text, "%s: ", td_doc_speaker_name(doc, u->speaker));
    *label_len = l->text.len - before;
    bool brackets = false;
    if (td_segment_kind(s) == TD_SEG_EVENT)
        t = event_text(s, &len, &brackets);
    rc |= brackets ? td_buf_putc(&l->text, '[') : 0;
    rc |= len > 0 ? td_buf_append(&l->text, t, len) : 0;
    rc |= brackets ? td_buf_putc(&l->text, ']') : 0;
    if (rc != 0)
        return -ENOMEM;
    size_t keep = from ? from + 1 : 0;
    l->text.len = keep + td_text_squeeze(l->text.data + keep, l->text.len - keep);
    l->text.data[l->text.len] = '\0';
    if (l->text.len == keep && keep > 0)
        l->text.len--;              /* nothing but spaces: drop the separator */
    return 0;
}

/* The timed segments, in order; untimed ones are counted. */
static unit *collect_units(const td_doc *doc, cue_list *l, size_t *n)
{
    size_t count = td_doc_segment_count(doc);
    unit *u = malloc((count ? count : 1) * sizeof(*u));
    *n = 0;
    for (size_t i = 0; u && i < count; i++) {
        const td_segment *s = td_doc_segment(doc, i);
        if (td_segment_kind(s) == TD_SEG_HEADING)
            continue;
        if (td_segment_start(s) < 0) {
            l->untimed++;
            continue;
        }
        u[(*n)++] = (unit){ i, td_segment_start(s), td_segment_end(s),
                            td_segment_speaker(s) };
    }
    return u;
}

/* The end a unit's cues run to: as given, else to the next start. */
static td_ms unit_end(const unit *u, const unit *next, size_t nchars,
                      const cue_limits *lim)
{
    td_ms end = u->end > u->start ? u->end : TD_TIME_UNKNOWN;
    td_ms next_start = next && next->start > u->start ? next->start : TD_TIME_UNKNOWN;
    if (end < 0)
        end = next_start >= 0 ? next_start : u->start + reading_time(nchars, lim);
    if (next_start >= 0 && end > next_start)
        end = next_start;
    return end;
}

static int build_units(const td_doc *doc, const unit *u, size_t n,
                       const cue_limits *lim, cue_list *l)
{
    size_t pending = SIZE_MAX;      /* text carried into the next unit */
    td_ms carried_start = 0;

    for (size_t i = 0; i < n; i++) {
        const unit *next = i + 1 < n ? &u[i + 1] : NULL;
        bool turn = lim->label_turns && u[i].speaker != TD_NO_SPEAKER &&
                    (i == 0 || u[i - 1].speaker != u[i].speaker);
        size_t from = pending != SIZE_MAX ? pending : l->text.len, label;
        if (append_words(l, doc, &u[i], turn, &label) != 0)
            return -ENOMEM;
        if (from < l->text.len && l->text.data[from] == ' ')
            from++;
        td_ms start = pending != SIZE_MAX ? carried_start : u[i].start;
        /* Two segments at the same instant of one speaker: one cue. */
        if (next && next->start <= u[i].start && next->speaker == u[i].speaker &&
            (u[i].end < 0 || u[i].end <= u[i].start)) {
            pending = from;
            carried_start = start;
            continue;
        }
        pending = SIZE_MAX;
        if (from >= l->text.len)
            continue;               /* nothing to show */
        /* The reading time leaves the label out: SubRip and WebVTT cues
         * of a document then have the same times. */
        size_t nchars = chars(l->text.data + from, l->text.len - from);
        td_ms end = unit_end(&u[i], next, nchars > label ? nchars - label : 0, lim);
        if (end <= start)
            end = start + lim->min_ms;
        if (cut(l, from, start, end, u[i].speaker, lim) != 0)
            return -ENOMEM;
    }
    return 0;
}

/* Times that went backwards: each cue starts after the one before ends. */
static void remove_overlaps(cue_list *l, const cue_limits *lim)
{
    for (size_t i = 1; i < l->n; i++) {
        cue *prev = &l->v[i - 1], *c = &l->v[i];
        if (c->start >= prev->end)
            continue;
        if (c->start > prev->start) {
            prev->end = c->start;
        } else {
            c->start = prev->end;
            if (c->end < c->start + lim->min_ms)
                c->end = c->start + lim->min_ms;
        }
    }
}

/* Cues in the text buffer are contiguous: a cue and the next one merge by
 * taking both spans and the space between. */
static bool try_merge(cue_list *l, size_t i, const cue_limits *lim, bool force)
{
    cue *c = &l->v[i], *next = &l->v[i + 1];
    size_t len = next->off + next->len - c->off;
    if (!force && (c->speaker != next->speaker || next->end - c->start > lim->max_ms ||
                   !fits(l->text.data + c->off, len, lim)))
        return false;
    c->len = len;
    c->end = next->end;
    memmove(next, next + 1, (l->n - i - 2) * sizeof(*next));
    l->n--;
    return true;
}

/* Short cues last min_ms where the next cue leaves room, else join it. */
static void lengthen_short(cue_list *l, const cue_limits *lim)
{
    for (size_t i = 0; i < l->n; i++) {
        cue *c = &l->v[i];
        if (c->end - c->start >= lim->min_ms)
            continue;
        td_ms limit = i + 1 < l->n ? l->v[i + 1].start : c->start + lim->min_ms;
        c->end = c->start + lim->min_ms < limit ? c->start + lim->min_ms : limit;
        if (c->end - c->start < lim->min_ms && i + 1 < l->n &&
            try_merge(l, i, lim, c->end <= c->start))
            i--;                    /* look at the merged cue again */
    }
    /* A last cue of no length (all merges refused): give it the minimum. */
    if (l->n && l->v[l->n - 1].end <= l->v[l->n - 1].start)
        l->v[l->n - 1].end = l->v[l->n - 1].start + lim->min_ms;
}

int cues_build(const td_doc *doc, const cue_limits *lim, cue_list *l)
{
    size_t n;
    *l = (cue_list){ .text = TD_BUF_INIT };
    unit *u = collect_units(doc, l, &n);
    if (u == NULL)
        return -ENOMEM;
    int rc = build_units(doc, u, n, lim, l);
    free(u);
    if (rc != 0)
        return rc;
    remove_overlaps(l, lim);
    lengthen_short(l, lim);
    for (size_t i = 0; i < l->n; i++)
        l->v[i].line2 = lim->max_lines < 2 ? 0
                        : line_break(cue_text(l, &l->v[i]), l->v[i].len, lim->line_chars);
    return 0;
}

void cues_free(cue_list *l)
{
    free(l->v);
    td_buf_free(&l->text);
    *l = (cue_list){ .text = TD_BUF_INIT };
}

const char *cue_time(td_ms ms, char sep, char buf[24])
{
    if (ms < 0)
        ms = 0;
    snprintf(buf, 24, "%02lld:%02lld:%02lld%c%03lld", (long long)(ms / 3600000),
             (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), sep,
             (long long)(ms % 1000));
    return buf;
}

int cue_options_read(const td_options *opts, cue_limits *lim, bool *skip_untimed,
                     td_error *err)
{
    long long line = td_opt_int(opts, "line_length"), lines = td_opt_int(opts, "lines");
    double min = td_opt_double(opts, "min_duration"), max = td_opt_double(opts, "max_duration");
    const char *untimed = td_opt_string(opts, "untimed");

    if (line < 10 || line > 200)
        return td_error_set(err, "line_length must be between 10 and 200");
    if (lines < 1 || lines > 2)
        return td_error_set(err, "lines must be 1 or 2");
    if (!(min > 0 && max >= min && max <= 60))
        return td_error_set(err, "need 0 < min_duration <= max_duration <= 60");
    if (strcmp(untimed, "fail") != 0 && strcmp(untimed, "skip") != 0)
        return td_error_set(err, "untimed must be fail or skip, not '%s'", untimed);
    *lim = (cue_limits){ (int)line, (int)lines, (td_ms)(min * 1000 + 0.5),
                         (td_ms)(max * 1000 + 0.5), false };
    *skip_untimed = strcmp(untimed, "skip") == 0;
    return 0;
}
