/*
 * vtt.c - WebVTT: a "WEBVTT" header, then blocks separated by blank
 * lines: cues (an optional identifier, "00:01.000 --> 00:04.000" with
 * optional settings, payload lines) and NOTE, STYLE and REGION blocks.
 *
 * Text after "WEBVTT" on the first line is the title; a "Language:"
 * header goes to the metadata.  <v Name> voices become speakers.  A cue
 * identifier with no timing line after it, or a line with an arrow that is
 * not a timing, fails the file with its line number.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/cues.h"
#include "common/lines.h"
#include "common/speakers.h"

#define QUOTE_MAX 40

typedef enum vtt_state {
    IN_HEADER,      /* the lines after WEBVTT, up to the first blank */
    BETWEEN,        /* blank lines between blocks */
    IN_SKIPPED,     /* a NOTE, STYLE or REGION block */
    AFTER_ID,       /* a cue identifier: the timing must follow */
    IN_PAYLOAD      /* the text lines of a cue */
} vtt_state;

typedef struct vtt_reader {
    cues cues;
    vtt_state state;
    const char *id;
    size_t id_len, id_line;
    td_error *err;
} vtt_reader;

/* "WEBVTT" alone or followed by a blank: the signature of the format. */
static bool signature(const char *s, size_t len)
{
    return starts_with(s, len, "WEBVTT") &&
           (len == 6 || is_blank_char(s[6]) || s[6] == '\n');
}

static int probe(void *state, const td_input *in)
{
    size_t len;
    const char *text = td_input_text(in, &len);
    (void)state;
    return signature(text, len) ? 95 : 0;
}

/* A block keyword alone or followed by a blank ("NOTE this is..."). */
static bool keyword(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    return starts_with(s, len, word) && (len == n || is_blank_char(s[n]));
}

static int header_line(td_doc *doc, const char *s, size_t n)
{
    if (!starts_with(s, n, "Language:"))
        return 0;
    const char *v = s + 9;
    size_t vn = n - 9;
    trim(&v, &vn);
    json_t *lang = json_stringn(v, vn);
    return lang ? json_object_set_new(td_doc_meta(doc), "language", lang) : -ENOMEM;
}

static int timing(vtt_reader *r, td_doc *doc, const char *s, size_t n, size_t lineno)
{
    td_ms start, end;
    const char *why;

    if (cue_timing(s, n, &start, &end, &why) != 0)
        return td_error_set(r->err, "line %zu: not a WebVTT cue timing (%s): '%.*s'",
                            lineno, why, excerpt_len(s, n, QUOTE_MAX), s);
    if (end < start) {
        td_doc_warn(doc, "line %zu: cue ends before it starts; end set to start",
                    lineno);
        end = start;
    }
    r->state = IN_PAYLOAD;
    return cues_begin(&r->cues, start, end) ? td_error_set(r->err, "out of memory") : 0;
}

static int missing_timing(vtt_reader *r)
{
    return td_error_set(r->err, "line %zu: cue '%.*s' has no timing line after it",
                        r->id_line, excerpt_len(r->id, r->id_len, QUOTE_MAX), r->id);
}

/* The first line of a block says what the block is. */
static int block_start(vtt_reader *r, td_doc *doc, const char *s, size_t n,
                       size_t lineno)
{
    if (keyword(s, n, "NOTE") || keyword(s, n, "STYLE") || keyword(s, n, "REGION")) {
        r->state = IN_SKIPPED;
        return 0;
    }
    if (has_arrow(s, n))
        return timing(r, doc, s, n, lineno);
    r->state = AFTER_ID;
    r->id = s;
    r->id_len = n;
    r->id_line = lineno;
    return 0;
}

static int payload(vtt_reader *r, td_doc *doc, const char *s, size_t n)
{
    int rc = cues_add_line(&r->cues, doc, s, n);
    return rc ? speaker_error(r->err, rc) : 0;
}

static int read_line(vtt_reader *r, td_doc *doc, const char *s, size_t n,
                     size_t lineno)
{
    /* Only an empty line ends a cue: YouTube writes payload lines of one
     * space, which are part of the cue. */
    if (r->state == IN_PAYLOAD && n > 0 && is_blank_line(s, n))
        return 0;
    trim(&s, &n);
    if (n == 0) {
        if (r->state == AFTER_ID)
            return missing_timing(r);
        r->state = BETWEEN;
        return 0;
    }
    switch (r->state) {
    case IN_HEADER:
        /* A header with no blank line before the first cue. */
        if (has_arrow(s, n))
            return timing(r, doc, s, n, lineno);
        return header_line(doc, s, n) ? td_error_set(r->err, "out of memory") : 0;
    case BETWEEN:
        return block_start(r, doc, s, n, lineno);
    case IN_SKIPPED:
        return 0;
    case AFTER_ID:
        if (!has_arrow(s, n))
            return missing_timing(r);
        return timing(r, doc, s, n, lineno);
    case IN_PAYLOAD:
        /* An arrow ends the payload: a cue with no blank line before it. */
        if (has_arrow(s, n))
            return timing(r, doc, s, n, lineno);
        return payload(r, doc, s, n);
    }
    return 0;
}

/* "WEBVTT - Title": the text after the signature, if any. */
static int title(td_doc *doc, const char *s, size_t n)
{
    s += 6, n -= 6;
    trim(&s, &n);
    while (n > 0 && (*s == '-' || is_blank_char(*s)))
        s++, n--;
    return n > 0 ? td_doc_set_title(doc, s, n) : 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *line;
    line_iter it;
    vtt_reader r = { CUES_INIT, IN_HEADER, NULL, 0, 0, err };
    int rc = 0;

    (void)state;
    lines_init(&it, text, len);
    if (!lines_next(&it, &line, &n) || !signature(line, n))
        return td_error_set(err, "line 1: a WebVTT file starts with 'WEBVTT'");
    if (title(doc, line, n) != 0)
        return td_error_set(err, "out of memory");
    while (rc == 0 && lines_next(&it, &line, &n))
        rc = read_line(&r, doc, line, n, it.lineno);
    if (rc == 0 && r.state == AFTER_ID)
        rc = missing_timing(&r);
    if (rc == 0 && r.cues.n == 0)
        rc = td_error_set(err, "no WebVTT cues found");
    if (rc == 0 && cues_emit(&r.cues, doc) != 0)
        rc = td_error_set(err, "out of memory");
    cues_free(&r.cues);
    return rc;
}

static const td_plugin vtt = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "vtt",
    .version = "1.0",
    .summary = "WebVTT captions (.vtt): voices, tags, NOTE/STYLE/REGION, rolling captions",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(vtt)
