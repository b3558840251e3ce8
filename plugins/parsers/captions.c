/*
 * captions.c - caption dumps: one "m:ss text" (or "h:mm:ss text") per line,
 * as YouTube and similar tools export them, with an optional title line
 * before the first timestamp.  A segment ends where the next begins.
 */
#include <transcriptd/transcriptd.h>

#include <string.h>

#define PROBE_LINES 200

/* A line and the bytes after it. */
typedef struct line_iter {
    const char *p, *end;
} line_iter;

static bool next_line(line_iter *it, const char **line, size_t *len)
{
    if (it->p >= it->end)
        return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    *line = it->p;
    *len = (size_t)((nl ? nl : it->end) - it->p);
    it->p = nl ? nl + 1 : it->end;
    return true;
}

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* The timestamp that starts a caption line, or 0 if it has none. */
static size_t line_stamp(const char *line, size_t len, td_ms *at)
{
    size_t i = skip_blanks(line, len, 0);
    size_t n = td_time_parse(line + i, len - i, at);
    if (n == 0)
        return 0;
    /* The stamp must stand alone: "0:05 text" or "0:05", not "0:05pm". */
    if (i + n < len && line[i + n] != ' ' && line[i + n] != '\t')
        return 0;
    return i + n;
}

static int probe(void *state, const td_input *in)
{
    size_t len, n;
    const char *text = td_input_text(in, &len), *line;
    line_iter it = { text, text + len };
    int lines = 0, stamped = 0;
    td_ms at;

    (void)state;
    while (lines < PROBE_LINES && next_line(&it, &line, &n)) {
        if (skip_blanks(line, n, 0) == n)
            continue;
        /* SubRip and WebVTT cue timings belong to their own parsers. */
        if (n > 5 && memmem(line, n, "-->", 3) != NULL)
            return 0;
        lines++;
        stamped += line_stamp(line, n, &at) > 0;
    }
    if (stamped < 2)
        return 0;
    /* A title line or two is fine; mostly stamped lines is a caption dump. */
    int share = stamped * 100 / lines;
    return share >= 80 ? 90 : share >= 50 ? 60 : share >= 25 ? 30 : 0;
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *line;
    line_iter it = { text, text + len };
    td_buf pending = TD_BUF_INIT;
    td_ms start = TD_TIME_UNKNOWN, at;
    bool seen_stamp = false;
    int rc = 0;

    (void)state;
    while (rc == 0 && next_line(&it, &line, &n)) {
        size_t body = line_stamp(line, n, &at);
        if (body == 0) {
            size_t b = skip_blanks(line, n, 0);
            if (b == n)
                continue;
            if (!seen_stamp) {
                /* Text before the first stamp: the title. */
                if (td_doc_title(doc) == NULL)
                    rc = td_doc_set_title(doc, line + b, n - b);
                continue;
            }
            /* A line without a stamp continues the caption before it. */
            rc = td_buf_putc(&pending, ' ') || td_buf_append(&pending, line + b, n - b);
            continue;
        }
        if (seen_stamp && pending.len > 0)
            rc = td_doc_add_segment(doc, start, at, TD_NO_SPEAKER, TD_SEG_SPEECH,
                                    pending.data, pending.len);
        seen_stamp = true;
        start = at;
        td_buf_reset(&pending);
        body = skip_blanks(line, n, body);
        if (rc == 0)
            rc = td_buf_append(&pending, line + body, n - body);
    }
    if (rc == 0 && seen_stamp && pending.len > 0)
        rc = td_doc_add_segment(doc, start, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                                TD_SEG_SPEECH, pending.data, pending.len);
    td_buf_free(&pending);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    return 0;
}

static const td_plugin captions = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "captions",
    .version = "1.0",
    .summary = "caption dumps: 'm:ss text' per line, optional title line first",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(captions)
