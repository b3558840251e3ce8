/*
 * srt.c - SubRip subtitles: numbered cues, "00:00:01,000 --> 00:00:02,500"
 * timings, text lines, blank lines between cues.
 *
 * Read leniently where real files differ (a missing final blank line, a
 * missing blank line between cues, '.' for ',', cue numbers left out) and
 * strictly where a guess would write garbage: a line that starts like a
 * timing but is not one, or text before the first cue, fails the file
 * with its line number.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/cues.h"
#include "common/lines.h"
#include "common/speakers.h"

#define PROBE_LINES 200
#define QUOTE_MAX 40

static bool all_digits(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A line that claims to be a timing: starts with a digit, has an arrow. */
static bool timing_like(const char *s, size_t len)
{
    return len > 0 && s[0] >= '0' && s[0] <= '9' && has_arrow(s, len);
}

static int probe(void *state, const td_input *in)
{
    size_t len, n;
    const char *text = td_input_text(in, &len), *line;
    line_iter it;
    int lines = 0, timings = 0;
    td_ms a, b;
    const char *why;

    (void)state;
    if (starts_with(text, len, "WEBVTT"))
        return 0;
    lines_init(&it, text, len);
    while (lines < PROBE_LINES && lines_next(&it, &line, &n)) {
        trim(&line, &n);
        if (n == 0)
            continue;
        lines++;
        if (timing_like(line, n) && cue_timing(line, n, &a, &b, &why) == 0)
            timings++;
    }
    return timings >= 2 ? 90 : timings == 1 ? 70 : 0;
}

/* The reader's state between lines. */
typedef struct srt_reader {
    cues cues;
    const char *held;       /* a lone number: a cue index, or text? */
    size_t held_len, held_line;
    td_error *err;
} srt_reader;

/* A held number not followed by a timing is text of the current cue. */
static int release_held(srt_reader *r, td_doc *doc)
{
    if (r->held == NULL)
        return 0;
    const char *s = r->held;
    r->held = NULL;
    if (r->cues.n == 0)
        return td_error_set(r->err, "line %zu: cue number '%.*s' without a "
                            "timing line", r->held_line,
                            excerpt_len(s, r->held_len, QUOTE_MAX), s);
    int rc = cues_add_line(&r->cues, doc, s, r->held_len);
    return rc ? speaker_error(r->err, rc) : 0;
}

static int timing(srt_reader *r, td_doc *doc, const char *s, size_t n, size_t lineno)
{
    td_ms start, end;
    const char *why;

    if (cue_timing(s, n, &start, &end, &why) != 0)
        return td_error_set(r->err, "line %zu: not a SubRip timing (%s): '%.*s'",
                            lineno, why, excerpt_len(s, n, QUOTE_MAX), s);
    r->held = NULL;         /* it was the cue's number */
    if (end < start) {
        td_doc_warn(doc, "line %zu: cue ends before it starts; end set to start",
                    lineno);
        end = start;
    }
    return cues_begin(&r->cues, start, end) ? td_error_set(r->err, "out of memory") : 0;
}

static int read_line(srt_reader *r, td_doc *doc, const char *s, size_t n,
                     size_t lineno)
{
    trim(&s, &n);
    if (n == 0)
        return release_held(r, doc);
    if (timing_like(s, n))
        return timing(r, doc, s, n, lineno);
    if (release_held(r, doc) != 0)
        return -1;
    if (all_digits(s, n)) {
        r->held = s;
        r->held_len = n;
        r->held_line = lineno;
        return 0;
    }
    if (r->cues.n == 0)
        return td_error_set(r->err, "line %zu: text before the first cue: '%.*s'",
                            lineno, excerpt_len(s, n, QUOTE_MAX), s);
    int rc = cues_add_line(&r->cues, doc, s, n);
    return rc ? speaker_error(r->err, rc) : 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *line;
    line_iter it;
    srt_reader r = { CUES_INIT, NULL, 0, 0, err };
    int rc = 0;

    (void)state;
    lines_init(&it, text, len);
    while (rc == 0 && lines_next(&it, &line, &n))
        rc = read_line(&r, doc, line, n, it.lineno);
    if (rc == 0)
        rc = release_held(&r, doc);
    if (rc == 0 && r.cues.n == 0)
        rc = td_error_set(err, "no SubRip cues found");
    if (rc == 0 && cues_emit(&r.cues, doc) != 0)
        rc = td_error_set(err, "out of memory");
    cues_free(&r.cues);
    return rc;
}

static const td_plugin srt = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "srt",
    .version = "1.0",
    .summary = "SubRip subtitles (.srt): cues, tags and entities, rolling captions",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(srt)
