/*
 * cues.c - see cues.h.
 */
#include "cues.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "lines.h"
#include "speakers.h"

/* Rolling captions repeat one or two lines; looking further back is waste. */
#define ROLLING_LOOKBACK 4
/* Tags and overrides are short: a lone "<" or "{" is not searched past this. */
#define TAG_MAX 256

/* ---- timing lines ------------------------------------------------------- */

/* A stamp that ends where the token ends: "00:01.000", not "00:01.000x". */
static size_t stamp(const char *s, size_t len, td_ms *at)
{
    size_t n = td_time_parse(s, len, at);
    if (n == 0 || (n < len && !is_blank_char(s[n])))
        return 0;
    return n;
}

int cue_timing(const char *s, size_t len, td_ms *start, td_ms *end,
               const char **why)
{
    size_t i = 0, n;

    while (i < len && is_blank_char(s[i]))
        i++;
    if ((n = stamp(s + i, len - i, start)) == 0)
        return *why = "the start time is not a timestamp", -1;
    i += n;
    while (i < len && is_blank_char(s[i]))
        i++;
    if (len - i < 3 || memcmp(s + i, "-->", 3) != 0)
        return *why = "no '-->' after the start time", -1;
    i += 3;
    while (i < len && is_blank_char(s[i]))
        i++;
    if ((n = stamp(s + i, len - i, end)) == 0)
        return *why = "the end time is not a timestamp", -1;
    return 0;
}

/* ---- arrays --------------------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*v, n * size);
    if (p == NULL)
        return -ENOMEM;
    *v = p;
    *cap = n;
    return 0;
}

int cues_begin(cues *c, td_ms start, td_ms end)
{
    if (grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) != 0)
        return -ENOMEM;
    c->v[c->n++] = (cue){ start, end, c->nlines, 0 };
    c->voice = TD_NO_SPEAKER;
    return 0;
}

void cues_free(cues *c)
{
    td_buf_free(&c->text);
    free(c->v);
    free(c->lines);
    memset(c, 0, sizeof(*c));
}

/* ---- cue text ---------------------------------------------------------------- */

static const struct entity {
    const char *name;
    int32_t cp;
} ENTITIES[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "nbsp", 0xA0 }, { "lrm", 0x200E }, { "rlm", 0x200F },
    { "hellip", 0x2026 }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C },
    { "rdquo", 0x201D }, { "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 },
};

static int32_t numeric_entity(const char *s, size_t len)
{
    int base = 10;
    int32_t cp = 0;
    size_t i = 0;

    if (len > 0 && (s[0] == 'x' || s[0] == 'X'))
        base = 16, i = 1;
    if (i == len)
        return -1;
    for (; i < len; i++) {
        int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
              : base == 16 && s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
              : base == 16 && s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        cp = cp * base + d;
        if (cp > 0x10FFFF)
            return 0xFFFD;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

/* Decodes the entity at s ("&amp;"); returns its length, or 0 if none. */
static size_t entity(td_buf *out, const char *s, size_t len, int *rc)
{
    const char *semi = memchr(s, ';', len < 12 ? len : 12);
    if (semi == NULL)
        return 0;
    const char *name = s + 1;
    size_t n = (size_t)(semi - name);
    int32_t cp = -1;
    if (n > 1 && name[0] == '#') {
        cp = numeric_entity(name + 1, n - 1);
    } else {
        for (size_t i = 0; i < sizeof(ENTITIES) / sizeof(ENTITIES[0]); i++)
            if (strlen(ENTITIES[i].name) == n && memcmp(ENTITIES[i].name, name, n) == 0)
                cp = ENTITIES[i].cp;
    }
    if (cp < 0)
        return 0;
    char utf8[4];
    *rc = td_buf_append(out, utf8, (size_t)td_utf8_encode(cp, utf8));
    return n + 2;
}

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/*
 * Removes the tag at s ("<i>", "</c>", "<c.yellow>", "<lang en>",
 * "<00:00:01.000>", "<v Name>"), noting voices and word times.  Returns
 * its length, or 0 when the '<' is a plain character.
 */
static size_t tag(cues *c, td_doc *doc, const char *s, size_t len, int *rc)
{
    if (len < 3 || !(is_alpha(s[1]) || s[1] == '/' || (s[1] >= '0' && s[1] <= '9')))
        return 0;
    const char *gt = memchr(s, '>', len < TAG_MAX ? len : TAG_MAX);
    if (gt == NULL)
        return 0;
    const char *in = s + 1;
    size_t n = (size_t)(gt - in);
    td_ms at;

    if (in[0] >= '0' && in[0] <= '9' && td_time_parse(in, n, &at) == n) {
        c->inline_times = true;
    } else if (in[0] == 'v' && n > 2 && (in[1] == ' ' || in[1] == '\t' || in[1] == '.')) {
        /* "<v Name>" or "<v.loud Name>": the name follows the first blank. */
        size_t i = 1;
        while (i < n && !is_blank_char(in[i]))
            i++;
        const char *name = in + i;
        size_t name_len = n - i;
        trim(&name, &name_len);
        if (name_len > 0) {
            int sp = speaker_find(doc, name, name_len);
            if (sp < 0)
                *rc = sp;
            else
                c->voice = sp;
        }
    }
    return n + 2;
}

/* Removes an ASS override such as "{\an8}" that SubRip files carry. */
static size_t ass_override(const char *s, size_t len)
{
    if (len < 3 || s[1] != '\\')
        return 0;
    const char *close = memchr(s, '}', len < TAG_MAX ? len : TAG_MAX);
    return close ? (size_t)(close - s) + 1 : 0;
}

static int clean(cues *c, td_doc *doc, const char *s, size_t len)
{
    td_buf *out = &c->text;
    size_t i = 0;
    int rc = 0;

    while (rc == 0 && i < len) {
        size_t run = i, n = 0;
        while (run < len && s[run] != '<' && s[run] != '&' && s[run] != '{')
            run++;
        if (run > i && (rc = td_buf_append(out, s + i, run - i)) != 0)
            break;
        i = run;
        if (i == len)
            break;
        if (s[i] == '<')
            n = tag(c, doc, s + i, len - i, &rc);
        else if (s[i] == '&')
            n = entity(out, s + i, len - i, &rc);
        else
            n = ass_override(s + i, len - i);
        if (n == 0) {
            rc = td_buf_putc(out, s[i]);
            n = 1;
        }
        i += n;
    }
    return rc;
}

int cues_add_line(cues *c, td_doc *doc, const char *s, size_t len)
{
    size_t off = c->text.len;
    int rc = clean(c, doc, s, len);
    if (rc != 0)
        return rc;
    size_t n = c->text.data ? td_text_squeeze(c->text.data + off, c->text.len - off) : 0;
    if (n == 0 || c->n == 0) {
        c->text.len = off;          /* nothing kept */
        return 0;
    }
    c->text.len = off + n;
    if (grow((void **)&c->lines, &c->cap_lines, c->nlines + 1, sizeof(*c->lines)) != 0)
        return -ENOMEM;
    c->lines[c->nlines++] = (cue_line){ off, n, c->voice };
    c->v[c->n - 1].count++;
    return 0;
}

/* ---- segments ---------------------------------------------------------------- */

static bool same_line(const cues *c, const cue_line *a, const cue_line *b)
{
    return a->len == b->len && memcmp(c->text.data + a->off, c->text.data + b->off,
                                      a->len) == 0;
}

/* Whether line l of a cue was already shown by the cue before (prev). */
static bool shown_before(const cues *c, const cue *prev, const cue_line *l)
{
    size_t from = prev->count > ROLLING_LOOKBACK ? prev->count - ROLLING_LOOKBACK : 0;
    for (size_t i = from; i < prev->count; i++)
        if (same_line(c, &c->lines[prev->first + i], l))
            return true;
    return false;
}

/*
 * YouTube's rolling captions: word times inside cues, or most cues start
 * with the line the previous cue ended with.  Ordinary subtitles repeat a
 * line ("No." "No.") far too rarely to look like that.
 */
static bool rolling(const cues *c)
{
    size_t repeats = 0, with_text = 0;
    const cue *prev = NULL;

    if (c->inline_times)
        return true;
    for (size_t k = 0; k < c->n; k++) {
        const cue *q = &c->v[k];
        if (q->count == 0)
            continue;
        with_text++;
        if (prev && same_line(c, &c->lines[q->first],
                              &c->lines[prev->first + prev->count - 1]))
            repeats++;
        prev = q;
    }
    return repeats >= 2 && repeats * 10 >= with_text * 3;
}

static int add_segment(td_doc *doc, const cue *q, int speaker, const td_buf *b)
{
    const char *inner;
    size_t n;
    if (event_mark(b->data, b->len, &inner, &n))
        return event_add(doc, q->start, q->end, speaker, inner, n);
    return td_doc_add_segment(doc, q->start, q->end, speaker, TD_SEG_SPEECH,
                              b->data, b->len);
}

/* The segments of one cue: its new lines, one segment per voice. */
static int emit_cue(const cues *c, td_doc *doc, const cue *q, const cue *prev,
                    td_buf *b)
{
    int speaker = TD_NO_SPEAKER, rc = 0;

    td_buf_reset(b);
    for (size_t i = 0; rc == 0 && i < q->count; i++) {
        const cue_line *l = &c->lines[q->first + i];
        if (prev && shown_before(c, prev, l))
            continue;
        if (b->len > 0 && l->speaker != speaker) {
            rc = add_segment(doc, q, speaker, b);
            td_buf_reset(b);
        }
        speaker = l->speaker;
        if (rc == 0 && b->len > 0)
            rc = td_buf_putc(b, ' ');
        if (rc == 0)
            rc = td_buf_append(b, c->text.data + l->off, l->len);
    }
    if (rc == 0 && b->len > 0)
        rc = add_segment(doc, q, speaker, b);
    return rc;
}

int cues_emit(cues *c, td_doc *doc)
{
    bool roll = rolling(c);
    const cue *prev = NULL;
    td_buf b = TD_BUF_INIT;
    int rc = 0;

    for (size_t k = 0; rc == 0 && k < c->n; k++) {
        const cue *q = &c->v[k];
        if (q->count == 0)
            continue;
        rc = emit_cue(c, doc, q, roll ? prev : NULL, &b);
        prev = q;
    }
    td_buf_free(&b);
    if (rc == 0 && roll)
        rc = json_object_set_new(td_doc_meta(doc), "rolling_captions", json_true());
    return rc;
}
