/*
 * text.c - the fallback for any readable text: paragraphs, no times.
 *
 * It scores low on everything so that any parser that knows the shape
 * wins, and it never fails on text that has a visible character.  A short
 * first line on its own (or a Markdown "# " heading) is the title.
 */
#include <transcriptd/transcriptd.h>

#include <errno.h>

#include "common/lines.h"

#define TITLE_MAX 100
#define FALLBACK_SCORE 5

static int probe(void *state, const td_input *in)
{
    size_t len;
    const char *text = td_input_text(in, &len);

    (void)state;
    for (size_t i = 0; i < len; i++)
        if (!is_blank_char(text[i]) && text[i] != '\n')
            return FALLBACK_SCORE;
    return 0;
}

/* A first paragraph that reads as a title rather than as a sentence. */
static bool title_like(const char *s, size_t len)
{
    if (len == 0 || len > TITLE_MAX || memchr(s, '\n', len) != NULL)
        return false;
    return strchr(".!?,;:", s[len - 1]) == NULL;
}

/* The span of the next paragraph (lines up to a blank one), or false. */
static bool next_paragraph(line_iter *it, const char **start, size_t *len)
{
    const char *line, *end = NULL;
    size_t n;

    *start = NULL;
    while (lines_next(it, &line, &n)) {
        if (is_blank_line(line, n)) {
            if (*start != NULL)
                break;
            continue;
        }
        if (*start == NULL)
            *start = line;
        end = line + n;
    }
    if (*start == NULL)
        return false;
    *len = (size_t)(end - *start);
    return true;
}

static int add_paragraph(td_doc *doc, td_buf *buf, const char *p, size_t len)
{
    td_buf_reset(buf);
    if (td_buf_append(buf, p, len) != 0)
        return -ENOMEM;
    size_t n = td_text_squeeze(buf->data, buf->len);
    if (n == 0)
        return 0;           /* only Unicode spaces */
    return td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN, TD_NO_SPEAKER,
                              TD_SEG_SPEECH, buf->data, n);
}

static int run(void *state, td_doc *doc, td_error *err)
{
    size_t len, n;
    const char *text = td_doc_text(doc, &len), *p;
    line_iter it;
    td_buf buf = TD_BUF_INIT;
    int rc = 0, paragraphs = 0;

    (void)state;
    lines_init(&it, text, len);
    while (rc == 0 && next_paragraph(&it, &p, &n)) {
        trim(&p, &n);
        if (paragraphs++ == 0 && starts_with(p, n, "# ")) {
            p += 2, n -= 2;
            trim(&p, &n);
            rc = td_doc_set_title(doc, p, n);
            continue;
        }
        /* A title-like first paragraph is the title only if text follows. */
        line_iter peek = it;
        const char *q;
        size_t qn;
        if (paragraphs == 1 && title_like(p, n) && next_paragraph(&peek, &q, &qn)) {
            rc = td_doc_set_title(doc, p, n);
            continue;
        }
        rc = add_paragraph(doc, &buf, p, n);
    }
    td_buf_free(&buf);
    if (rc != 0)
        return td_error_set(err, "out of memory");
    if (td_doc_segment_count(doc) == 0 && td_doc_title(doc) != NULL) {
        /* Only a title: it is the text. */
        const char *t = td_doc_title(doc);
        rc = td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN,
                                TD_NO_SPEAKER, TD_SEG_SPEECH, t, strlen(t));
        if (rc != 0)
            return td_error_set(err, "out of memory");
    }
    if (td_doc_segment_count(doc) == 0)
        return td_error_set(err, "no readable text (only white space)");
    return json_object_set_new(td_doc_meta(doc), "paragraphs",
                               json_integer((json_int_t)td_doc_segment_count(doc)))
               ? td_error_set(err, "out of memory") : 0;
}

static const td_plugin text_plugin = {
    .abi = TD_PLUGIN_ABI,
    .kind = TD_PARSER,
    .name = "text",
    .version = "1.0",
    .summary = "fallback for any readable text: paragraphs as segments, no times",
    .probe = probe,
    .run = run,
};

TD_PLUGIN_DEFINE(text_plugin)
