/*
 * captions.c - caption dumps: one "m:ss text" (or "mm:ss", "h:mm:ss") per
 * line, as YouTube and similar tools export them.
 *
 * A title line may come before the first timestamp.  A stamp may stand on
 * a line of its own with the words on the next line; lines without a stamp
 * continue the caption before them.  A line that is only a bracketed mark
 * such as "[Music]" is a non-speech event.  A segment ends where the next
 * later one begins, so captions that repeat a stamp share their end.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/ends.h"
#include "common/events.h"
#include "common/lines.h"

#define PROBE_LINES 200

/* The timestamp that starts a caption line, or 0 if it has none. */
static size_t line_stamp(const char *line, size_t len, td_ms *at)
{
    size_t i = 0;
    while (i < len && is_blank_char(line[i]))
        i++;
    size_t n = td_time_parse(line + i, len - i, at);
    if (n == 0)
        return 0;
    /* The stamp must stand alone: "0:05 text" or "0:05", not "0:05pm". */
    if (i + n < len && !is_blank_char(line[i + n]))
        return 0;
    return i + n;
}

static int probe(void *state, const td_input *in)
{
    size_t len, n;
    const char *text = td_input_text(in, &len), *line;
    line_iter it;
    int lines = 0, stamped = 0;
    td_ms at;

    (void)state;
    lines_init(&it, text, len);
    while (lines < PROBE_LINES && lines_next(&it, &line, &n)) {
        if (is_blank_line(line, n))
            continue;
        /* SubRip and WebVTT cue timings belong to their own parsers. */
        if (n > 5 && has_arrow(line, n))
            return 0;
        lines++;
        stamped += line_stamp(line, n, &at) > 0;
    }
    if (stamped < 2)
        return 0;
    /* A title line or two is fine; mostly stamped lines is a caption dump. */
    int share = stamped * 100 / lines;
    return share >= 80 ? 90 : share >= 40 ? 60 : share >= 25 ? 30 : 0;
}

/* The caption being gathered: its start and the words seen so far. */
typedef struct caption {
    td_ms start;
    td_buf words;
} caption;

static int flush(td_doc *doc, caption *c)
{
    int rc = 0;
    if (c->words.len > 0)
        rc = td_doc_add_segment(doc, c->start, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                                TD_SEG_SPEECH, c->words.data, c->words.len);
    td_buf_reset(&c->words);
    return rc;
}

/* The words of one line (stamp already removed): an event or more words. */
static int take_words(td_doc *doc, caption *c, const char *s, size_t len)
{
    const char *inner;
    size_t inner_len;

    trim(&s, &len);
    if (len == 0)
        return 0;
    if (event_mark(s, len, &inner, &inner_len)) {
        int rc = flush(doc, c);
        return rc ? rc : event_add(doc, c->start, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                                   inner, inner_len);
    }
    if (c->words.len > 0 && td_buf_putc(&c->words, ' ') != 0)
        return -ENOMEM;
    return td_buf_append(&c->words, s, len);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *line;
    line_iter it;
    caption c = { TD_TIME_UNKNOWN, TD_BUF_INIT };
    bool seen_stamp = false;
    td_ms at;
    int rc = 0;

    (void)state;
    lines_init(&it, text, len);
    while (rc == 0 && lines_next(&it, &line, &n)) {
        size_t body = line_stamp(line, n, &at);
        if (body > 0) {
            rc = flush(doc, &c);
            seen_stamp = true;
            c.start = at;
        } else if (!seen_stamp) {
            /* Text before the first stamp: the first line is the title. */
            trim(&line, &n);
            if (n > 0 && td_doc_title(doc) == NULL)
                rc = td_doc_set_title(doc, line, n);
            continue;
        }
        if (rc == 0)
            rc = take_words(doc, &c, line + body, n - body);
    }
    if (rc == 0)
        rc = flush(doc, &c);
    td_buf_free(&c.words);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    fill_ends(doc, 0);
    return 0;
}

static const td_plugin captions = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "captions",
    .version = "1.1",
    .summary = "caption dumps: 'm:ss text' per line, optional title line first",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(captions)
