/*
 * turns_doc.c - see turns_doc.h.
 */
#include "turns_doc.h"

#include <string.h>

/* "Name: text (h:mm:ss)": the speaker's length, the text and the time. */
static bool parse_turn(const char *line, size_t len, size_t *name_len,
                       const char **text, size_t *text_len, td_ms *at)
{
    const char *colon = memchr(line, ':', len < 42 ? len : 42);
    if (colon == NULL || colon == line || line[0] < 'A' || line[0] > 'Z' ||
        colon + 2 > line + len || colon[1] != ' ')
        return false;
    const char *open = NULL;
    for (const char *p = line + len - 1; p > colon && open == NULL; p--)
        if (*p == '(')
            open = p;
    if (open == NULL || line[len - 1] != ')' ||
        td_time_parse(open + 1, (size_t)(line + len - 1 - open - 1), at) == 0)
        return false;
    *name_len = (size_t)(colon - line);
    *text = colon + 2;
    *text_len = (size_t)(open - *text);
    return true;
}

/* The text without [stage directions], in buf. */
static const char *without_tags(td_buf *buf, const char *s, size_t len)
{
    td_buf_reset(buf);
    for (size_t i = 0; i < len; i++) {
        const char *close = s[i] == '[' ? memchr(s + i, ']', len - i) : NULL;
        if (close != NULL)
            i = (size_t)(close - s);
        else
            td_buf_putc(buf, s[i]);
    }
    td_buf_putc(buf, '\0');
    buf->len = td_text_squeeze(buf->data, buf->len - 1);
    return buf->data;
}

td_doc *turns_doc(const char *name, const char *text, bool headings)
{
    td_doc *doc = th_doc(name, text);
    const char *p = text, *prev = NULL, *heading = NULL;
    size_t prev_len = 0, heading_len = 0;
    bool started = false;
    td_buf clean = TD_BUF_INIT;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p), name_len, text_len;
        const char *body;
        td_ms at;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r'))
            len--;
        if (len > 0 && parse_turn(p, len, &name_len, &body, &text_len, &at)) {
            int sp = td_doc_speaker(doc, p, name_len);
            /* A heading is a line between turns, not the page's footer. */
            if (heading != NULL)
                td_doc_add_segment(doc, TD_TIME_UNKNOWN, TD_TIME_UNKNOWN,
                                   TD_NO_SPEAKER, TD_SEG_HEADING, heading, heading_len);
            heading = NULL;
            without_tags(&clean, body, text_len);
            td_doc_add_segment(doc, at, TD_TIME_UNKNOWN, sp, TD_SEG_SPEECH,
                               clean.data, clean.len);
            started = true;
        } else if (len > 0 && !started && strncmp(p, "Season", 6) == 0 && prev) {
            td_doc_set_title(doc, prev, prev_len);
        } else if (len > 0 && started && headings) {
            heading = p;
            heading_len = len;
        }
        if (len > 0) {
            prev = p;
            prev_len = len;
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    td_buf_free(&clean);
    return doc;
}
